"""Routing benchmark: questions naming a role the way candidates do, among thousands of postings.

    python -m bench.routing [--postings N] [--questions Q] [--json]

Generates N postings (bench.postings: realistic titles across fields and seniorities, every title the
vocabularies make used once before any repeats) and Q questions, each naming one posting in a candidate's
words: its full title, its role with or without seniority and specialty, or a nickname ("the SWE intern
position", "nursing job in Dayton"), sometimes with its city or company, sometimes with a typo. A question
states enough to narrow the postings down to at most five, as a candidate reading one listing would.

Prints how often `route` picks that posting, asks "which role?" offering it, asks without offering it, or
picks a wrong posting, and the time `route` takes (the first call builds the index and is timed apart).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.postings import Role, write_knowledge
from bot.knowledge.loader import Knowledge, load_knowledge
from bot.role_index import MAX_CHOICES
from bot.routing import route

# How candidates call a role besides its title.
NICKNAMES: dict[str, list[str]] = {
    "Software Engineer": ["SWE", "software dev", "SDE"],
    "Backend Engineer": ["backend", "back end developer", "backend dev"],
    "Frontend Engineer": ["frontend", "front end developer"],
    "Full Stack Engineer": ["full stack", "fullstack dev"],
    "Machine Learning Engineer": ["ML engineer", "MLE"],
    "Site Reliability Engineer": ["SRE"],
    "Product Manager": ["PM", "product"],
    "Engineering Manager": ["EM", "eng manager"],
    "Registered Nurse": ["RN", "nursing"],
    "Licensed Practical Nurse": ["LPN"],
    "Certified Nursing Assistant": ["CNA"],
    "Nurse Practitioner": ["NP"],
    "Physical Therapist": ["PT", "physical therapy"],
    "Pharmacy Technician": ["pharmacy tech"],
    "Sales Development Representative": ["SDR"],
    "Account Executive": ["AE"],
    "Customer Success Manager": ["CSM"],
    "Executive Assistant": ["EA"],
    "Teaching Assistant": ["TA"],
    "Truck Driver": ["CDL driver", "trucking"],
    "Elementary School Teacher": ["elementary teacher", "teaching"],
}
TEMPLATES = [
    "what's the salary for the {name} {noun}{where}?",
    "is the {name} {noun}{where} remote?",
    "tell me about the {name} {noun}{where}",
    "does the {name} {noun}{where} offer relocation?",
    "how many years of experience does the {name} {noun}{where} need",
    "I'm interested in the {name} {noun}{where}, what are the requirements?",
    "{name} {noun}{where} benefits?",
    "who do I talk to about the {name} {noun}{where}",
]
NOUNS = ["role", "job", "position", "opening"]


@dataclass(frozen=True)
class Case:
    question: str
    posting: str
    fits: int  # postings the question's details fit: 1 when it names one, else up to MAX_CHOICES


def questions(made: list[Role], count: int, seed: int = 3) -> list[Case]:
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        role = rng.choice(made)
        cases.append(Case(*_question(rng, role, made)))
    return cases


def _question(rng: random.Random, role: Role, made: list[Role]) -> tuple[str, str, int]:
    form = rng.choice(["title", "role", "nickname"] if role.role in NICKNAMES else ["title", "role"])
    say = {
        "seniority": form == "title" or (bool(role.seniority) and rng.random() < 0.5),
        "specialty": form == "title",
        "city": rng.random() < 0.4,
        "company": rng.random() < 0.25,
    }
    # State more, in the order a candidate would, until the question fits at most a few postings.
    for detail in ("city", "company", "seniority", "specialty"):
        if len(_matching(role, made, say)) <= MAX_CHOICES:
            break
        say[detail] = True
    name = rng.choice(NICKNAMES[role.role]) if form == "nickname" else role.role
    if say["seniority"] and role.seniority:
        name = f"{role.seniority} {name}"
    if say["specialty"] and role.specialty:
        name = f"{name}, {role.specialty}" if form == "title" else f"{role.specialty} {name}"
    if rng.random() < 0.1:
        name = _typo(rng, name)
    where = ""
    if say["city"]:
        where += f" in {role.city.split(',')[0]}"
    if say["company"]:
        where += f" at {role.company}"
    text = rng.choice(TEMPLATES).format(name=name, noun=rng.choice(NOUNS), where=where)
    text = text[0].upper() + text[1:] if rng.random() < 0.5 else text.lower()
    return text, role.id, len(_matching(role, made, say))


def _matching(role: Role, made: list[Role], say: dict[str, bool]) -> list[Role]:
    return [
        other
        for other in made
        if other.role == role.role
        and (not say["seniority"] or other.seniority == role.seniority)
        and (not say["specialty"] or other.specialty == role.specialty)
        and (not say["city"] or other.city == role.city)
        and (not say["company"] or other.company == role.company)
    ]


def _typo(rng: random.Random, name: str) -> str:
    words = name.split()
    long = [i for i, w in enumerate(words) if len(w) >= 6]
    if not long:
        return name
    i = rng.choice(long)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


@dataclass(frozen=True)
class Result:
    postings: int
    distinct_titles: int
    questions: int
    routed_right: float
    offered: float  # "which role?" listing the posting
    reached: float  # routed right or offered
    which_role: float  # "which role?" rate, offering it or not
    wrong: float
    naming_one: int  # questions whose details fit one posting only
    naming_one_routed: float  # of those, routed straight to it
    index_build_ms: float
    route_p50_ms: float
    route_p99_ms: float


def measure(knowledge: Knowledge, made: list[Role], cases: list[Case]) -> Result:
    started = time.perf_counter()
    route(knowledge, "warm up the index for the nurse job")
    build = time.perf_counter() - started
    right = offered = asked = wrong = unique_right = 0
    timings = []
    for case in cases:
        started = time.perf_counter()
        routed = route(knowledge, case.question)
        timings.append(time.perf_counter() - started)
        if routed.posting == case.posting:
            right += 1
            unique_right += case.fits == 1
        elif routed.posting is not None:
            wrong += 1
        else:
            asked += 1
            offered += any(choice.posting == case.posting for choice in routed.choices)
    n = len(cases)
    timings.sort()
    return Result(
        postings=len(knowledge.postings),
        distinct_titles=len({role.title for role in made}),
        questions=n,
        routed_right=right / n,
        offered=offered / n,
        reached=(right + offered) / n,
        which_role=asked / n,
        wrong=wrong / n,
        naming_one=sum(case.fits == 1 for case in cases),
        naming_one_routed=unique_right / max(sum(case.fits == 1 for case in cases), 1),
        index_build_ms=build * 1000,
        route_p50_ms=statistics.median(timings) * 1000,
        route_p99_ms=timings[int(0.99 * (n - 1))] * 1000,
    )


def run(postings: int, count: int) -> Result:
    with tempfile.TemporaryDirectory() as tmp:
        made = write_knowledge(Path(tmp) / "knowledge", postings)
        knowledge = load_knowledge(Path(tmp) / "knowledge")
    return measure(knowledge, made, questions(made, count))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.routing", description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=2500)
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.postings, args.questions)
    if args.json:
        print(json.dumps(result.__dict__))
        return 0
    print(
        f"routing: {result.postings:,} postings, {result.distinct_titles:,} distinct titles, "
        f"{result.questions:,} questions naming one"
    )
    print(
        f"  reached the role       {result.reached:6.1%}  (routed to it {result.routed_right:.1%}, "
        f"offered under 'which role?' {result.offered:.1%})"
    )
    print(f"  'which role?' rate     {result.which_role:6.1%}")
    print(f"  wrong posting          {result.wrong:6.1%}")
    print(
        f"  routed straight to it  {result.naming_one_routed:6.1%}  of the {result.naming_one:,} questions "
        "whose details fit that posting only"
    )
    print(
        f"  route() p50 / p99      {result.route_p50_ms:.2f} / {result.route_p99_ms:.2f} ms "
        f"(index built on first use in {result.index_build_ms:.0f} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
