"""Many realistic postings for the scale and routing benchmarks, generated from small vocabularies.

A title is a seniority, a role of a field, sometimes a specialty ("Senior Backend Engineer, Payments",
"Registered Nurse, ICU"), at a company, in a city. Each posting is the bundled posting's shape (the same
kinds of facts, so answering costs what it costs in production) under its own id, title, company, location,
salary and aliases; all postings share the bundled `intents.yaml`. Generation is seeded: the same count
gives the same postings.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEED_KNOWLEDGE = ROOT / "knowledge"

# field -> (roles, specialties, seniorities that field uses, the nicknames candidates use for a role)
FIELDS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "software": (
        [
            "Backend Engineer",
            "Frontend Engineer",
            "Full Stack Engineer",
            "Software Engineer",
            "iOS Engineer",
            "Android Engineer",
            "Data Engineer",
            "Machine Learning Engineer",
            "Site Reliability Engineer",
            "DevOps Engineer",
            "Security Engineer",
            "QA Engineer",
            "Data Scientist",
            "Data Analyst",
            "Product Manager",
            "Product Designer",
            "UX Researcher",
            "Engineering Manager",
        ],
        ["Payments", "Search", "Infrastructure", "Platform", "Growth", "Ads", "Identity", "Mobile"],
        ["Intern", "Junior", "", "Senior", "Staff", "Principal", "Lead"],
    ),
    "healthcare": (
        [
            "Registered Nurse",
            "Licensed Practical Nurse",
            "Nurse Practitioner",
            "Certified Nursing Assistant",
            "Physical Therapist",
            "Occupational Therapist",
            "Pharmacist",
            "Pharmacy Technician",
            "Medical Assistant",
            "Radiologic Technologist",
            "Respiratory Therapist",
            "Phlebotomist",
            "Dental Hygienist",
            "Surgical Technologist",
            "Physician Assistant",
            "Home Health Aide",
        ],
        [
            "ICU",
            "Emergency Department",
            "Med-Surg",
            "Pediatrics",
            "Oncology",
            "Labor and Delivery",
            "Night Shift",
        ],
        ["", "Senior", "Lead", "Travel", "New Grad"],
    ),
    "finance": (
        [
            "Accountant",
            "Staff Accountant",
            "Financial Analyst",
            "Auditor",
            "Tax Associate",
            "Controller",
            "Payroll Specialist",
            "Accounts Payable Clerk",
            "Credit Analyst",
            "Investment Analyst",
        ],
        ["Corporate", "Treasury", "FP&A", "Revenue"],
        ["Junior", "", "Senior", "Lead"],
    ),
    "sales": (
        [
            "Account Executive",
            "Sales Development Representative",
            "Customer Success Manager",
            "Marketing Manager",
            "Content Writer",
            "SEO Specialist",
            "Social Media Coordinator",
            "Brand Manager",
        ],
        ["Enterprise", "Mid-Market", "SMB", "EMEA", "Healthcare"],
        ["Junior", "", "Senior", "Lead"],
    ),
    "logistics": (
        [
            "Warehouse Associate",
            "Forklift Operator",
            "Truck Driver",
            "Delivery Driver",
            "Logistics Coordinator",
            "Supply Chain Analyst",
            "Operations Manager",
            "Inventory Specialist",
        ],
        ["Night Shift", "Weekend Shift", "CDL-A", "Cold Storage"],
        ["", "Senior", "Lead"],
    ),
    "education": (
        [
            "Elementary School Teacher",
            "Special Education Teacher",
            "Math Teacher",
            "Science Teacher",
            "Teaching Assistant",
            "School Counselor",
            "Librarian",
        ],
        ["Grades K-2", "Middle School", "High School", "Bilingual"],
        ["", "Lead"],
    ),
    "hospitality": (
        [
            "Line Cook",
            "Sous Chef",
            "Server",
            "Bartender",
            "Front Desk Agent",
            "Store Manager",
            "Retail Sales Associate",
            "Cashier",
            "Barista",
            "Housekeeper",
        ],
        ["Full Time", "Part Time", "Seasonal"],
        ["", "Senior", "Lead", "Assistant"],
    ),
    "trades": (
        [
            "Electrician",
            "Plumber",
            "HVAC Technician",
            "Maintenance Technician",
            "Welder",
            "CNC Machinist",
            "Carpenter",
            "Construction Project Manager",
        ],
        ["Commercial", "Residential", "Industrial", "Second Shift"],
        ["Apprentice", "", "Senior", "Lead"],
    ),
    "office": (
        [
            "Recruiter",
            "HR Generalist",
            "Office Manager",
            "Executive Assistant",
            "Administrative Assistant",
            "Receptionist",
            "Paralegal",
            "Customer Support Specialist",
            "Technical Support Engineer",
        ],
        ["Technical", "Legal", "Bilingual", "Tier 2"],
        ["Junior", "", "Senior", "Lead"],
    ),
}
CITIES = [
    "Dayton, OH",
    "Austin, TX",
    "Denver, CO",
    "Seattle, WA",
    "Boston, MA",
    "Chicago, IL",
    "Atlanta, GA",
    "Phoenix, AZ",
    "Portland, OR",
    "Raleigh, NC",
    "Columbus, OH",
    "Nashville, TN",
    "Tampa, FL",
    "San Diego, CA",
    "Minneapolis, MN",
    "Pittsburgh, PA",
    "Salt Lake City, UT",
    "Kansas City, MO",
    "Sacramento, CA",
    "Richmond, VA",
]
COMPANIES = [
    "Northwind Health",
    "Brightpath Logistics",
    "Cedar Labs",
    "Harbor Bank",
    "Summit Schools",
    "Bluebird Foods",
    "Ironclad Builders",
    "Lumen Retail",
    "Quarry Software",
    "Maple Care",
    "Orbit Analytics",
    "Riverstone Hotels",
]


@dataclass(frozen=True)
class Role:
    """One generated posting's names: what a candidate might call it."""

    id: str
    title: str
    company: str
    field: str
    role: str
    seniority: str
    specialty: str
    city: str


def titles() -> list[tuple[str, str, str, str, str]]:
    """Every (title, field, role, seniority, specialty) the vocabularies make, in a fixed order."""
    found = []
    for field, (names, specialties, seniorities) in FIELDS.items():
        for role in names:
            for seniority in seniorities:
                for specialty in ["", *specialties]:
                    title = " ".join(part for part in (seniority, role) if part)
                    found.append(
                        (title + (f", {specialty}" if specialty else ""), field, role, seniority, specialty)
                    )
    return found


def roles(count: int, seed: int = 14) -> list[Role]:
    """`count` distinct postings (a title at a company in a city): every title the vocabularies make is
    used once before any is used again (then at another company or in another city), fields mixed."""
    rng = random.Random(seed)
    pool = titles()
    rng.shuffle(pool)
    seen: set[tuple[str, str, str]] = set()
    found: list[Role] = []
    attempts = 0
    while len(found) < count:
        attempts += 1
        if attempts > count * 50:
            raise ValueError(f"cannot make {count} distinct postings from the vocabularies")
        title, field, role, seniority, specialty = (
            pool[len(found) % len(pool)] if attempts <= len(pool) else rng.choice(pool)
        )
        company, city = rng.choice(COMPANIES), rng.choice(CITIES)
        if (title, company, city) in seen:
            continue
        seen.add((title, company, city))
        slug = "-".join(
            "".join(ch for ch in word.lower() if ch.isalnum()) for word in f"{title} {city}".split()
        ).strip("-")
        found.append(Role(f"{slug}-{len(found)}", title, company, field, role, seniority, specialty, city))
    return found


def write_knowledge(directory: Path, count: int, seed: int = 14) -> list[Role]:
    """A knowledge directory with the bundled intents and `count` generated postings; returns their names."""
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED_KNOWLEDGE / "intents.yaml", directory / "intents.yaml")
    folder = directory / "postings"
    folder.mkdir(exist_ok=True)
    template = yaml.safe_load(next((SEED_KNOWLEDGE / "postings").glob("*.yaml")).read_text(encoding="utf-8"))
    rng = random.Random(seed)
    made = roles(count, seed)
    for role in made:
        posting = dict(template)
        low = rng.randrange(40, 150) * 1000
        posting.update(
            id=role.id,
            title=role.title,
            company=role.company,
            aliases=[role.role] if role.role != role.title else [],
            location={"offices": [role.city]},
            salary={**template["salary"], "min": low, "max": low + rng.randrange(10, 80) * 1000},
            summary=f"a {role.title} role at {role.company} in {role.city}",
        )
        text = yaml.safe_dump(posting, sort_keys=False, allow_unicode=True)
        (folder / f"{role.id}.yaml").write_text(text, encoding="utf-8")
    return made
