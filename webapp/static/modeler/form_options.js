/* The form drop-down of a user task: the forms of the lane's department first, then the other
 * departments' forms, each department a group, in the order the server lists them. */

/**
 * @param {Array<{key: string, title: string, department: string, department_name: string}>} forms
 * @param {string|null} laneDepartment the code the task's lane names, if any
 * @param {function(string, object=): string} text the page's translated texts
 * @returns {Array} SelectEntry options (an option with `children` is an <optgroup>)
 */
export function formOptions(forms, laneDepartment, text) {
  const groups = new Map();
  forms.forEach((form) => {
    if (!groups.has(form.department)) { groups.set(form.department, []); }
    groups.get(form.department).push(form);
  });
  const codes = [...groups.keys()];
  const ordered = codes.filter((code) => code === laneDepartment)
    .concat(codes.filter((code) => code !== laneDepartment));
  return ordered.map((code) => {
    const members = groups.get(code);
    const department = members[0].department_name || code;
    return {
      label: text(code === laneDepartment ? 'forms_of_lane' : 'forms_of_other', { department }),
      children: members.map((form) => ({ value: form.key, label: form.title }))
    };
  });
}
