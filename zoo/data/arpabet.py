"""The ARPAbet phone inventory of CMUdict: 39 phones, vowels with stress.

A vowel is written with a stress digit (`AH0` unstressed, `AH1` primary,
`AH2` secondary stress); a consonant never has one. These are the phones of
the CMU Pronouncing Dictionary (its `cmudict.phones` file).
"""

ARPABET_VOWELS = (
    "AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER",
    "EY", "IH", "IY", "OW", "OY", "UH", "UW",
)
ARPABET_CONSONANTS = (
    "B", "CH", "D", "DH", "F", "G", "HH", "JH", "K", "L", "M", "N",
    "NG", "P", "R", "S", "SH", "T", "TH", "V", "W", "Y", "Z", "ZH",
)
ARPABET_PHONES = ARPABET_VOWELS + ARPABET_CONSONANTS
STRESS_DIGITS = ("0", "1", "2")
# Every phone symbol CMUdict writes: 24 consonants and 15 vowels x 3 stresses.
ARPABET_SYMBOLS = frozenset(
    ARPABET_CONSONANTS
    + tuple(vowel + digit for vowel in ARPABET_VOWELS for digit in STRESS_DIGITS)
)


def check_arpabet_phone(phone):
    """Return `phone` if it is an ARPAbet phone as CMUdict writes it.

    A vowel needs a stress digit 0, 1 or 2 (`"AH0"`); a consonant must not
    have one (`"K"`). Phones are uppercase.

    Args:
        phone: str. One phone.

    Returns:
        `phone`, unchanged.

    Raises:
        TypeError: `phone` is not a str.
        ValueError: `phone` is not one; the message says what is wrong.

    Example:

    >>> check_arpabet_phone("AH0"), check_arpabet_phone("NG")
    ('AH0', 'NG')
    >>> check_arpabet_phone("AH")
    Traceback (most recent call last):
    ...
    ValueError: the vowel 'AH' has no stress digit; write AH0, AH1 or AH2
    """
    if not isinstance(phone, str):
        raise TypeError(f"A phone is a str, got {type(phone).__name__} {phone!r}")
    if phone in ARPABET_SYMBOLS:
        return phone
    base, digit = phone[:-1], phone[-1:]
    if phone in ARPABET_VOWELS:
        raise ValueError(
            f"the vowel {phone!r} has no stress digit; write {phone}0, {phone}1 or {phone}2"
        )
    if base in ARPABET_VOWELS and digit.isdigit():
        raise ValueError(f"{phone!r} has stress {digit}; stress digits are 0, 1 and 2")
    if base in ARPABET_CONSONANTS and digit.isdigit():
        raise ValueError(f"the consonant {base!r} takes no stress digit, got {phone!r}")
    message = f"{phone!r} is not an ARPAbet phone"
    if phone.upper() in ARPABET_SYMBOLS:
        message += f"; phones are uppercase ({phone.upper()})"
    raise ValueError(f"{message}; the phones are {' '.join(ARPABET_PHONES)}")


def strip_stress(phones):
    """The phones with the stress digits of the vowels removed.

    Args:
        phones: sequence of str (not one str). A pronunciation.

    Returns:
        A tuple of str, one per phone: a trailing 0, 1 or 2 removed.

    Raises:
        TypeError: `phones` is a str; pass `"K AE1 T".split()`.

    Example:

    >>> strip_stress(["K", "EH1", "R", "AH0", "S"])
    ('K', 'EH', 'R', 'AH', 'S')
    """
    if isinstance(phones, str):
        raise TypeError(
            f"Pass the phones as a sequence, not one str: {phones!r}.split()"
        )
    return tuple(
        phone[:-1] if len(phone) > 1 and phone[-1] in STRESS_DIGITS else phone
        for phone in phones
    )

