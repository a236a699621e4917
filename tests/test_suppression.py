"""k = 11: no exported cell counts 1-10, and no hidden cell follows from the totals."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.evaluation import safe_figures
from workflows.evaluation.suppression import Hidden, K, protect, protect_breakdown

counts = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d", "e", "f"]),
    st.one_of(st.integers(0, 12), st.integers(0, 200)),
    min_size=1,
)


def exact_values(total: int, published: dict, raw: dict) -> dict:
    """Brute force: every value a hidden cell can take given the total and what is shown
    (hidden small cells 1..10, hidden complementary cells 11..total)."""
    hidden = [k for k, v in published.items() if isinstance(v, Hidden)]
    rest = total - sum(v for v in published.values() if not isinstance(v, Hidden))
    ranges = [
        range(1, K)
        if published[k].small
        else range(0 if published[k].small is None else K, max(rest, K) + 1)
        for k in hidden
    ]
    possible = {k: set() for k in hidden}
    for combination in itertools.product(*ranges):
        if sum(combination) == rest:
            for key, value in zip(hidden, combination, strict=True):
                possible[key].add(value)
    assert all(raw[k] in possible[k] for k in hidden)  # the truth is among them
    return possible


@settings(max_examples=300, deadline=None)
@given(counts)
def test_no_published_cell_is_small_and_none_is_recoverable_from_the_total(raw):
    total = sum(raw.values())
    shown_total = None if 0 < total < K else total  # a small total is itself "<11"
    published = protect_breakdown(raw, shown_total)
    assert not [v for v in published.values() if isinstance(v, int) and 0 < v < K]
    if len(raw) <= 4 and shown_total is not None:  # brute force stays small
        for key, values in exact_values(total, published, raw).items():
            assert len(values) > 1, (raw, published, key)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.sampled_from(["female", "male"]), st.sampled_from(["child", "adult"])),
        st.integers(0, 40),
        min_size=4,
        max_size=4,
    )
)
def test_a_two_way_table_keeps_every_row_and_column_safe(raw):
    cells = {f"{s}:{a}": n for (s, a), n in raw.items()}
    rows = {s: sum(n for (x, _), n in raw.items() if x == s) for s in ("female", "male")}
    columns = {a: sum(n for (_, y), n in raw.items() if y == a) for a in ("child", "adult")}
    safe = {
        "sex": protect_breakdown(rows, sum(rows.values())),
        "child": protect_breakdown(columns, sum(columns.values())),
    }
    published = safe_figures._two_way(cells, safe)
    assert not [v for v in published.values() if isinstance(v, int) and 0 < v < K]
    for axis, position in (("sex", 0), ("child", 1)):
        for value, margin in safe[axis].items():
            if isinstance(margin, Hidden):
                continue
            members = {k: v for k, v in published.items() if k.split(":")[position] == value}
            truth = {k: cells[k] for k in members}
            for key, values in exact_values(margin, members, truth).items():
                assert len(values) > 1, (cells, published, key)


def test_one_small_cell_hides_the_smallest_other_one_too():
    assert protect_breakdown({"female": 30, "male": 3, "unknown": 14}, 47) == {
        "female": 30,
        "male": Hidden(True),
        "unknown": Hidden(False),
    }
    assert protect({"a": 0, "b": 25}, [(25, ["a", "b"])]) == {"a": 0, "b": 25}


def test_a_group_no_choice_protects_is_withheld_whole():
    # 1 and 11 of 12: hiding both still tells (only 1 + 11 fits), so all three go.
    assert protect_breakdown({"a": 1, "b": 11, "c": 0}, 12) == {
        "a": Hidden(None),
        "b": Hidden(None),
        "c": Hidden(None),
    }


def test_exported_rows_show_no_small_count():
    rows = safe_figures.rows(
        [
            {
                "department": "police",
                "received": 4,
                "completed": 3,
                "on_time": 12,
                "median_days": 2,
                "trend": {"2026-01": 3},
            }
        ]
    )
    assert rows == [
        {
            "department": "police",
            "received": Hidden(True),
            "completed": Hidden(True),
            "on_time": 12,
            "median_days": None,
            "trend": {"2026-01": Hidden(True)},
        }
    ]


def test_a_group_of_one_small_cell_is_withheld_and_the_protection_ends():
    """One cell whose published total is itself: nothing can hide it but withholding; the
    protection stops there (it once looped for ever, hanging the pathway page)."""
    assert protect_breakdown({"returned_home": 5}, 5) == {"returned_home": Hidden(None)}
    two = protect({"a": 3, "b": 0}, [(3, ["a", "b"]), (3, ["a"])])
    assert two == {"a": Hidden(None), "b": Hidden(None)}
