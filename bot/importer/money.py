"""Pay in a sentence: base pay ranges, never bonuses, stipends, matches or company revenue.

An amount counts only when its own clause is about pay (salary, wage, base pay, "earn") and no word
beside it makes it other money (sign-on bonus, OTE, commission, differential, stipend, 401(k) match…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SYMBOLS = {
    **{"$": "USD", "US$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR", "C$": "CAD", "CA$": "CAD"},
    **{"A$": "AUD", "AU$": "AUD", "NZ$": "NZD", "S$": "SGD", "HK$": "HKD"},
}
_CODES = ("USD", "CAD", "AUD", "NZD", "GBP", "EUR", "CHF", "JPY", "INR", "SGD", "HKD", "SEK", "NOK", "DKK",
          "PLN", "MXN", "BRL", "ZAR", "ILS", "CNY", "KRW", "CZK")  # fmt: skip
_CODE = "|".join(_CODES)
_SYMBOL = r"(?:CA\$|C\$|AU\$|A\$|NZ\$|US\$|S\$|HK\$|\$|£|€|¥|₹)"
_NUMBER = r"\d{1,3}(?:[,\u202f ]\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?"
# One amount; "@" becomes the group names' prefix, "a" for the low end and "b" for the high end.
_AMOUNT = (
    rf"(?P<@sym>{_SYMBOL})?\s?(?P<@code1>(?:{_CODE})\s)?\s?(?P<@num>{_NUMBER})\s?"
    rf"(?P<@k>[kK]\b)?(?:\s?(?P<@code2>{_CODE})\b)?"
)
# "$30/hr - $40/hr": a unit may follow the first amount too.
_UNIT = r"(?:\s?/\s?(?:hr|hour|h|yr|year|mo|month|wk|week|day)\b)?"
_RANGE = re.compile(
    _AMOUNT.replace("@", "a") + rf"(?:{_UNIT}\s*(?:-|–|—|to|and)\s*" + _AMOUNT.replace("@", "b") + r")?"
)
PERIODS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("hour", re.compile(r"^\s*(?:/\s?(?:hr|hour|h)\b|per hour|an hour|a hour|hourly|p/h|ph\b)", re.I)),
    ("year", re.compile(r"^\s*(?:/\s?(?:yr|year|annum)\b|per (?:year|annum)|a year|annual|p\.a\.|yearly)",
                        re.I)),
    ("month", re.compile(r"^\s*(?:/\s?(?:mo|month)\b|per month|a month|monthly)", re.I)),
    ("week", re.compile(r"^\s*(?:/\s?(?:wk|week)\b|per week|a week|weekly)", re.I)),
    ("day", re.compile(r"^\s*(?:/\s?day\b|per day|a day|daily)", re.I)),
)  # fmt: skip
# Period words anywhere in the clause: "hourly wage", "annual base salary", "monthly stipend".
_PERIOD_WORDS = (
    ("hour", re.compile(r"\bhourly\b|\bper hour\b|\ban hour\b", re.I)),
    ("year", re.compile(r"\bannual(?:ly)?\b|\bper (?:year|annum)\b|\byearly\b|\ba year\b", re.I)),
    ("month", re.compile(r"\bmonthly\b|\bper month\b", re.I)),
    ("week", re.compile(r"\bweekly (?:pay|rate|salary|wage|gross)\b|\bper week\b", re.I)),
    ("day", re.compile(r"\bday rate\b|\bdaily rate\b|\bper day\b", re.I)),
)
_PAY_WORDS = re.compile(
    r"\bsalary\b|\bsalaries\b|\bbase pay\b|\bpay\b|\bpaid\b|\bwages?\b|\bcompensation\b|\bearn\b|\bearnings\b"
    r"|\bhourly rate\b|\bpay rate\b|\brate of pay\b|\bstarting rate\b|\bpay range\b|\bremuneration\b"
    r"|\bstipend\b",
    re.I,
)
# Money beside any of these words is not base pay.
_OTHER_MONEY = re.compile(
    r"bonus|sign[- ]?on|signing|\bote\b|on[- ]target|commission|differential|premium|allowance|reimburse"
    r"|tuition|401|403|pension|retirement|match|revenue|\barr\b|funding|raised|series [a-f]\b|valuation"
    r"|budget|relocation|referral|per diem|overtime|tips?\b|gratuit|equity|stock|\brsus?\b|\bfund\b|funds"
    r"|stipend|learning|home[- ]office|wellness|gym|credit|deductible|investment|customers?|sales of|gmv",
    re.I,
)
# A stipend that is the pay itself ("monthly stipend" of an internship) is pay; one for something is not.
_PAY_STIPEND = re.compile(r"\b(?:monthly|weekly|living|intern(?:ship)?) stipend\b", re.I)


@dataclass(frozen=True)
class Pay:
    min: float
    max: float
    currency: str | None
    period: str | None
    start: int  # where in the clause the amount starts
    end: int


def _number(text: str, thousands: str | None) -> float:
    value = float(re.sub(r"[,\u202f ]", "", text))
    return value * 1000 if thousands else value


def _currency(match: re.Match[str], side: str) -> str | None:
    symbol = match.group(f"{side}sym")
    code = match.group(f"{side}code1") or match.group(f"{side}code2")
    if code:
        return code.strip()
    return _SYMBOLS.get(symbol) if symbol else None


def period_after(text: str) -> str | None:
    for period, pattern in PERIODS:
        if pattern.match(text):
            return period
    return None


def period_words(text: str) -> str | None:
    found = {period for period, pattern in _PERIOD_WORDS if pattern.search(text)}
    return found.pop() if len(found) == 1 else None


def is_pay_clause(clause: str) -> bool:
    return bool(_PAY_WORDS.search(clause))


def pay_in(clause: str, pay_section: bool) -> list[Pay]:
    """The base pay amounts or ranges a clause states. `pay_section`: the clause is under a Pay heading."""
    if not (pay_section or is_pay_clause(clause)):
        return []
    found: list[Pay] = []
    for match in _RANGE.finditer(clause):
        if not (match.group("asym") or match.group("acode1") or match.group("acode2")):
            continue  # a bare number is a count, not money
        before = clause[max(0, match.start() - 40) : match.start()]
        after = clause[match.end() : match.end() + 30]
        near_before = " ".join(before.split()[-5:])
        near_after = " ".join(after.split()[:3])
        if re.match(r"\s*%", after) or re.match(r"(?:[MmBb]n?\b|\s*(?:million|billion|bn)\b)", after):
            continue  # "$62M", "£3.1bn": not pay
        if re.search(r"\b(?:up to|as much as|maximum(?: of)?|max\.?)\s*$", before, re.I) or after.startswith(
            "+"
        ):
            continue  # "up to $25", "$100k+": one end of a range the posting doesn't give
        nearby = f"{near_before} {near_after}"
        if _OTHER_MONEY.search(nearby) and not _PAY_STIPEND.search(nearby):
            continue
        low = _number(match.group("anum"), match.group("ak"))
        high_text = match.group("bnum")
        said_money = match.group("bsym") or match.group("acode2") or match.group("bcode2")
        if high_text is not None and match.group("asym") is None and not said_money:
            continue  # "40 to 50 USD" is only a range when the money is said for both ends
        high = _number(high_text, match.group("bk") or match.group("ak")) if high_text else low
        if high < low:
            continue
        currency = _currency(match, "a") or (_currency(match, "b") if high_text else None)
        found.append(Pay(low, high, currency, period_after(after), match.start(), match.end()))
    return found
