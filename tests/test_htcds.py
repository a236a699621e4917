"""The HTCDS choice lists: the standard's counts, unique codes, valid division codes."""

from forms import htcds


def test_the_standard_lists_have_the_standards_counts():
    assert len(htcds.EXPLOITATION_TYPES) == 11
    assert len(htcds.MEANS_OF_CONTROL) == 17
    assert {c.htcds for c in htcds.MEANS_OF_CONTROL} >= {"DebtBondage", "WithholdsDocuments"}


def test_codes_are_unique_and_counties_are_fujian_gb2260_codes():
    for choices in (htcds.EXPLOITATION_TYPES, htcds.MEANS_OF_CONTROL, htcds.RECRUITER_RELATIONS):
        codes = [c.code for c in choices]
        assert len(codes) == len(set(codes))
    # Kinmen (350527) is left out: the province does not administer it.
    codes = [county.code for county in htcds.FUJIAN_COUNTIES]
    assert len(codes) == len(set(codes)) == 83
    assert all(code.isdigit() and len(code) == 6 and code.startswith("35") for code in codes)
    assert htcds.prefecture_of("350583") == "350500"
    assert htcds.prefecture_of("450000") is None
