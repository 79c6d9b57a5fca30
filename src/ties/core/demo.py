"""A realistic sample network for `ties demo`: pure data, deterministic for a given day."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

# name, type, company, role, industry, location, working on, struggles, cares about
PEOPLE = [
    ("Ana Lima", "strategic", "Globex", "VP Engineering", "software", "Lisbon",
     "a platform rewrite", "hiring senior engineers", "mentoring first-time managers"),
    ("Bo Chen", "social", "Acme", "Staff Engineer", "software", "Berlin",
     "a talk on CRDTs", "", "climbing"),
    ("Chidi Okafor", "strategic", "Northwind Health", "Chief Medical Officer", "healthcare",
     "Lagos", "telehealth for rural clinics", "regulation", "public health"),
    ("Dana Whitfield", "tactical", "Acme", "Product Manager", "software", "Berlin",
     "the Q3 roadmap", "", ""),
    ("Élodie Martin", "strategic", "Banque Verte", "Head of Data", "finance", "Paris",
     "fraud models", "legacy systems", "open data"),
    ("Farid Haddad", "social", "Acme", "Designer", "software", "Berlin",
     "", "", "typography"),
    ("Grace Park", "strategic", "Seoul Robotics", "Founder", "robotics", "Seoul",
     "a Series A", "fundraising", "women in engineering"),
    ("Hiro Tanaka", "tactical", "Initech", "Account Manager", "consulting", "Tokyo",
     "our support contract", "", ""),
    ("Ines Moreau", "social", "Globex", "Engineering Manager", "software", "Lisbon",
     "a new team", "burnout", "running"),
    ("Jamal Wright", "strategic", "OpenGov Lab", "Director", "public sector", "Washington",
     "digital services", "procurement", "civic tech"),
    ("Kavya Rao", "tactical", "Acme", "QA Lead", "software", "Bangalore",
     "test automation", "flaky tests", ""),
    ("Liam O'Brien", "social", "Acme", "Sales Engineer", "software", "Dublin",
     "", "", "rugby"),
    ("Mei Lin", "strategic", "Pacific Biotech", "Research Director", "biotech", "Singapore",
     "protein design", "", "science outreach"),
    ("Nils Berg", "tactical", "Acme", "SRE", "software", "Stockholm",
     "on-call rotation", "alert fatigue", ""),
    ("Olga Petrova", "strategic", "EduNext", "CEO", "education", "Tallinn",
     "adaptive learning", "retention", "teachers' time"),
    ("Pedro Alves", "tactical", "Acme", "Backend Engineer", "software", "Porto",
     "the billing service", "", "football"),
    ("Quinn Murphy", "social", "Globex", "Recruiter", "software", "Dublin",
     "", "", "podcasts"),
    ("Rosa Díaz", "strategic", "Andes Energy", "CTO", "energy", "Santiago",
     "grid storage", "talent", "climate"),
    ("Sam Taylor", "tactical", "Initech", "Consultant", "consulting", "London",
     "our migration", "", ""),
    ("Tomás Ruiz", "social", "Acme", "Data Scientist", "software", "Madrid",
     "churn models", "", "chess"),
    ("Uma Singh", "strategic", "Kite Ventures", "Partner", "venture capital", "London",
     "a climate fund", "", "founders from outside tech"),
    ("Victor Hugo Silva", "tactical", "Acme", "Frontend Engineer", "software", "São Paulo",
     "the design system", "", ""),
    ("Wen Zhao", "social", "Acme", "Engineering Manager", "software", "Shanghai",
     "", "remote teams", "tea"),
    ("Xavier Dupont", "tactical", "Acme", "Security Engineer", "software", "Lyon",
     "SOC 2", "", ""),
    ("Yara Haddad", "strategic", "Cedar Press", "Editor", "media", "Beirut",
     "a series on AI at work", "", "long-form journalism"),
    ("Zoe Adams", "social", "Globex", "Product Designer", "software", "Lisbon",
     "", "", "ceramics"),
    ("王伟", "strategic", "Dragon Logistics", "COO", "logistics", "Shenzhen",
     "warehouse robots", "", "supply chains"),
    ("Aisha Bello", "tactical", "Acme", "Support Lead", "software", "Lagos",
     "the help centre", "", ""),
    ("Ben Cohen", "social", "Acme", "Developer Advocate", "software", "Tel Aviv",
     "conference talks", "", "community"),
    ("Carmen Vidal", "strategic", "Hospital Clínic", "Head of Innovation", "healthcare",
     "Barcelona", "AI triage", "", "patient safety"),
    ("Dmitri Ivanov", "tactical", "Initech", "Engineer", "consulting", "Riga",
     "an API integration", "", ""),
    ("Emma Johansson", "social", "Acme", "Engineer", "software", "Gothenburg",
     "", "", "sailing"),
]
CHANNELS = ["in-person", "call", "video", "message", "email", "event"]
NOTES = [
    "coffee; talked about {w}", "quick call about {w}", "lunch, swapped book tips",
    "sent them an article on {c}", "met at a meetup", "video call, caught up on {w}",
    "they asked for advice on {s}", "congratulated them on news", "walk and talk",
    "shared notes from a conference",
]


@dataclass
class DemoPerson:
    name: str
    type: str
    company: str
    role: str
    industry: str
    location: str
    working_on: str
    struggles: str
    cares_about: str
    met_on: date
    met: str
    cadence_days: int | None = None
    tags: list[str] = field(default_factory=list)


@dataclass
class DemoInteraction:
    names: list[str]
    when: date
    channel: str
    note: str
    gave: bool
    received: bool
    they_reached_out: bool


def build(today: date, seed: int = 7) -> tuple[list[DemoPerson], list[DemoInteraction]]:
    """Three dozen people of all three types and a year of interactions before today."""
    rng = random.Random(seed)
    people, interactions = [], []
    for i, row in enumerate(PEOPLE):
        name, kind, company, role, industry, location, working, struggles, cares = row
        met_on = today - timedelta(days=rng.randint(200, 900))
        tags = sorted({kind == "strategic" and "mentor" or "", company.lower().split()[0]} - {""})
        people.append(DemoPerson(
            name=name, type=kind, company=company, role=role, industry=industry,
            location=location, working_on=working, struggles=struggles, cares_about=cares,
            met_on=met_on, met=rng.choice(["conference", "intro from a friend", "at work",
                                           "a meetup", "university"]),
            cadence_days=21 if i % 11 == 0 else None, tags=tags,
        ))
    # Busy people get many interactions, most get a few, some drift away.
    for person in people:
        pace = {"tactical": 12, "social": 20, "strategic": 45}[person.type]
        pace = int(pace * rng.choice([0.7, 1, 1.5, 2, 2.5, 4]))
        day = max(person.met_on, today - timedelta(days=365))
        while True:
            day += timedelta(days=max(1, int(rng.expovariate(1 / pace))))
            if day >= today:
                break
            fill = {"w": person.working_on or "work", "c": person.cares_about or "their field",
                    "s": person.struggles or "a decision"}
            others = [person.name]
            if rng.random() < 0.08:
                others.append(rng.choice(people).name)
            interactions.append(DemoInteraction(
                names=list(dict.fromkeys(others)), when=day, channel=rng.choice(CHANNELS),
                note=rng.choice(NOTES).format(**fill), gave=rng.random() < 0.2,
                received=rng.random() < 0.15, they_reached_out=rng.random() < 0.35,
            ))
    interactions.sort(key=lambda x: (x.when, x.names))
    return people, interactions
