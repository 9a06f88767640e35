"""The ARPAbet inventory against the CMUdict documentation, and phone checks."""

import doctest

import pytest

from zoo.data import arpabet
from zoo.data.arpabet import ARPABET_CONSONANTS
from zoo.data.arpabet import ARPABET_PHONES
from zoo.data.arpabet import ARPABET_SYMBOLS
from zoo.data.arpabet import ARPABET_VOWELS
from zoo.data.arpabet import check_arpabet_phone
from zoo.data.arpabet import strip_stress

# The phone table of http://www.speech.cs.cmu.edu/cgi-bin/cmudict, by hand.
DOCUMENTED = {
    "AA": "vowel", "AE": "vowel", "AH": "vowel", "AO": "vowel", "AW": "vowel",
    "AY": "vowel", "B": "stop", "CH": "affricate", "D": "stop", "DH": "fricative",
    "EH": "vowel", "ER": "vowel", "EY": "vowel", "F": "fricative", "G": "stop",
    "HH": "aspirate", "IH": "vowel", "IY": "vowel", "JH": "affricate", "K": "stop",
    "L": "liquid", "M": "nasal", "N": "nasal", "NG": "nasal", "OW": "vowel",
    "OY": "vowel", "P": "stop", "R": "liquid", "S": "fricative", "SH": "fricative",
    "T": "stop", "TH": "fricative", "UH": "vowel", "UW": "vowel", "V": "fricative",
    "W": "semivowel", "Y": "semivowel", "Z": "fricative", "ZH": "fricative",
}


def test_the_inventory_is_the_documented_39_phones():
    assert len(ARPABET_PHONES) == len(set(ARPABET_PHONES)) == 39
    assert set(ARPABET_PHONES) == set(DOCUMENTED)
    assert {p for p, kind in DOCUMENTED.items() if kind == "vowel"} == set(ARPABET_VOWELS)
    assert len(ARPABET_VOWELS) == 15 and len(ARPABET_CONSONANTS) == 24
    assert len(ARPABET_SYMBOLS) == 24 + 15 * 3
    assert {"AH0", "AH1", "AH2", "K", "ZH"} <= ARPABET_SYMBOLS
    assert not {"AH", "AH3", "K0"} & ARPABET_SYMBOLS


@pytest.mark.parametrize("phone", ["AA0", "AE1", "UW2", "ER0", "B", "NG", "ZH", "HH"])
def test_a_valid_phone_is_returned(phone):
    assert check_arpabet_phone(phone) == phone


@pytest.mark.parametrize(
    "phone, expected",
    [
        ("AH", "the vowel 'AH' has no stress digit; write AH0, AH1 or AH2"),
        ("AH3", "'AH3' has stress 3; stress digits are 0, 1 and 2"),
        ("K1", "the consonant 'K' takes no stress digit, got 'K1'"),
        ("ah0", "phones are uppercase (AH0)"),
        ("k", "phones are uppercase (K)"),
        ("AX", "'AX' is not an ARPAbet phone; the phones are AA AE"),
        ("", "'' is not an ARPAbet phone"),
        ("AH01", "'AH01' is not an ARPAbet phone"),
    ],
)
def test_an_invalid_phone_says_what_is_wrong(phone, expected):
    with pytest.raises(ValueError) as caught:
        check_arpabet_phone(phone)
    assert expected in str(caught.value)


def test_a_phone_must_be_a_str():
    with pytest.raises(TypeError, match="bytes"):
        check_arpabet_phone(b"AH0")


def test_strip_stress_removes_only_vowel_stress_digits():
    assert strip_stress(("K", "AE1", "T")) == ("K", "AE", "T")
    assert strip_stress(["ER0", "ER1", "ER2", "NG", "OY2"]) == ("ER", "ER", "ER", "NG", "OY")
    assert strip_stress(()) == ()
    assert strip_stress(("AH", "3", "AH3")) == ("AH", "3", "AH3")  # not stress digits


def test_strip_stress_refuses_one_str():
    with pytest.raises(TypeError, match=r"'K AE1 T'.split\(\)"):
        strip_stress("K AE1 T")


def test_docstring_examples_run():
    failures, tried = doctest.testmod(arpabet, optionflags=doctest.ELLIPSIS)
    assert tried and not failures
