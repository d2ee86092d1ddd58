"""Constants that describe the simulated company: shares, ladders, pay, activity rates."""

EMAIL_DOMAIN = "sandbox-corp.example"
GITHUB_ORG = "sandbox-corp"

DEPARTMENTS = ("Engineering", "Sales", "Support")
# Share of the non-executive headcount per department.
DEPARTMENT_SHARES = {"Engineering": 0.48, "Sales": 0.28, "Support": 0.24}
EXECUTIVE_STAFF_SHARE = 0.01  # ICs in the Executive office, reporting to the CEO
EXECUTIVE_STAFF_MAX = 6

IC_LEVELS = ("IC1", "IC2", "IC3", "IC4", "IC5")
IC_LEVEL_SHARES = (0.15, 0.30, 0.30, 0.18, 0.07)
MANAGER_LEVELS = ("M1", "M2", "M3")
MANAGER_LEVEL_SHARES = (0.5, 0.35, 0.15)
LEVELS = IC_LEVELS + MANAGER_LEVELS + ("Director", "VP")
LEVEL_GROUPS = {
    **dict.fromkeys(IC_LEVELS, "IC"),
    **dict.fromkeys(MANAGER_LEVELS, "manager"),
    "Director": "senior",
    "VP": "senior",
}
SPAN_MIN, SPAN_MAX, SPAN_MEAN = 4, 9, 6.5  # direct reports of a line manager
MANAGERS_PER_DIRECTOR = 6
DIRECTOR_THRESHOLD = 4  # a department gets directors once it has more line managers than this

JOB_TITLES = {
    "Engineering": (
        "Associate Software Engineer",
        "Software Engineer",
        "Senior Software Engineer",
        "Staff Software Engineer",
        "Principal Software Engineer",
        "Engineering Manager",
        "Senior Engineering Manager",
        "Head of Engineering Group",
        "Director of Engineering",
        "VP of Engineering",
    ),
    "Sales": (
        "Sales Development Representative",
        "Account Executive",
        "Senior Account Executive",
        "Enterprise Account Executive",
        "Principal Account Executive",
        "Sales Manager",
        "Senior Sales Manager",
        "Regional Sales Manager",
        "Director of Sales",
        "VP of Sales",
    ),
    "Support": (
        "Support Agent",
        "Support Specialist",
        "Senior Support Specialist",
        "Support Lead",
        "Principal Support Engineer",
        "Support Manager",
        "Senior Support Manager",
        "Head of Support Operations",
        "Director of Support",
        "VP of Customer Support",
    ),
    "Executive": (
        "Executive Assistant",
        "Business Analyst",
        "Chief of Staff",
        "Senior Chief of Staff",
        "Principal Advisor",
        "Office Manager",
        "Senior Office Manager",
        "Head of Office",
        "Director of Operations",
        "Chief Executive Officer",
    ),
}

# Pay-range midpoints in USD; ranges span 80%-120% of the midpoint.
PAY_MIDPOINTS = {
    "Engineering": (95_000, 120_000, 150_000, 185_000, 225_000, 175_000, 200_000, 230_000, 270_000, 330_000),
    "Sales": (65_000, 85_000, 105_000, 130_000, 155_000, 140_000, 160_000, 185_000, 220_000, 280_000),
    "Support": (50_000, 62_000, 75_000, 90_000, 108_000, 95_000, 110_000, 125_000, 160_000, 220_000),
    "Executive": (70_000, 90_000, 120_000, 150_000, 180_000, 110_000, 130_000, 150_000, 200_000, 400_000),
}
PAY_RANGE_SPREAD = 0.20
COMPA_SD = 0.085  # a few salaries fall below 0.80 or above 1.20 compa-ratio

HIRE_SPAN_YEARS = 8
HIRED_IN_WINDOW_SHARE = 0.10
TERMINATED_IN_WINDOW_SHARE = 0.10
GENDERS = ("Female", "Male", "Non-binary")
GENDER_SHARES = (0.47, 0.49, 0.04)

# Latent truth: target distribution 10/25/50/15 -> z cut-offs of the standard normal.
BANDS = ("Exceptional", "Strong", "Meets", "Improvement")
BAND_Z_CUTS = (1.2816, 0.3853, -1.0364)
LENIENCY_SD = 0.45
RATER_NOISE_RANGE = (0.25, 0.8)

# Share of accounts per system whose email differs from the HRIS work email.
EMAIL_MISMATCH_SHARE = 0.02

# Activity rates for a meets-expectations IC (z = 0) in a full month.
SPRINT_DAYS = 14
ISSUES_PER_SPRINT = 5.0
STORY_POINTS = (1, 2, 3, 5, 8)
STORY_POINT_SHARES = (0.10, 0.20, 0.30, 0.25, 0.15)
SPRINT_COMPLETION_LOGIT = 1.73  # ~85% of committed issues resolved inside the sprint
UNASSIGNED_ISSUE_SHARE = 0.03
UNESTIMATED_ISSUE_SHARE = 0.05
TEAMS_PER_REPO = 3
PRS_PER_MONTH = 6.0
PR_CYCLE_MEDIAN_HOURS = 4.5 * 24
PR_MERGED_SHARE = 0.9
REVIEWS_PER_PR = 3.2
INCIDENTS_PER_MONTH = 0.7
NEW_OPPS_PER_MONTH = 7.0
NEW_OPP_MEDIAN_AMOUNT = 47_000
RENEWALS_PER_MONTH = 1.3
RENEWAL_MEDIAN_AMOUNT = 38_000
WIN_RATE = 0.30
RENEWAL_WIN_RATE = 0.90
NULL_AMOUNT_SHARE = 0.03
OPP_CLOSE_MEDIAN_DAYS = 45
TICKETS_PER_MONTH = 100.0
FIRST_REPLY_MEDIAN_MINUTES = 30.0
RESOLUTION_MEDIAN_MINUTES = 24 * 60.0
SATISFACTION_ANSWERED_SHARE = 0.30
SATISFACTION_OFFERED_SHARE = 0.30
SATISFACTION_UNOFFERED_SHARE = 0.10
SATISFACTION_GOOD_RATE = 0.90
ZENDESK_CLOSE_AFTER_DAYS = 4
# How strongly latent performance z moves each rate (multiplier exp(coef * z)).
Z_EFFECT = {
    "issues": 0.2,
    "points": 0.1,
    "prs": 0.15,
    "cycle": -0.25,
    "incidents": -0.45,
    "opps": 0.15,
    "tickets": 0.15,
    "reply": -0.3,
    "resolution": -0.25,
}
LEVEL_OUTPUT = {"IC1": 0.75, "IC2": 0.9, "IC3": 1.0, "IC4": 1.1, "IC5": 1.15}

SONAR_METRICS = ("reliability_rating", "security_rating", "sqale_rating", "coverage", "ncloc")
SONAR_MISSING_VALUE_SHARE = 0.03

COMPETENCIES_ALL = ("execution", "collaboration", "communication")
COMPETENCIES_BY_DEPARTMENT = {
    "Engineering": ("technical_expertise",),
    "Sales": ("customer_focus",),
    "Support": ("customer_focus",),
    "Executive": (),
}
PEERS_PER_REVIEW = 2
APPEAL_RATE = {"Exceptional": 0.0, "Strong": 0.01, "Meets": 0.03, "Improvement": 0.15}
SURVEY_RESPONSE_RATE = 0.6
UNFINISHED_REVIEW_SHARE = 0.04
# The calibration meeting: days after the quarter's end it decides, and when HR closes the cycle;
# how much of a manager's leniency the committee sees through, and the noise of its own judgement.
DECISION_DAYS = (26, 31)
CLOSE_DAYS = 75
COMMITTEE_SEES_LENIENCY = 0.6
COMMITTEE_NOISE = 0.3
REVIEW_MINUTES_MEDIAN = 70  # active time a manager spends writing one review (log-normal)
REVIEW_MINUTES_SPREAD = 0.5

FIRST_NAMES_FEMALE = (
    "Olivia",
    "Emma",
    "Ava",
    "Sophia",
    "Isabella",
    "Mia",
    "Amelia",
    "Harper",
    "Evelyn",
    "Abigail",
    "Emily",
    "Ella",
    "Elizabeth",
    "Camila",
    "Luna",
    "Sofia",
    "Avery",
    "Mila",
    "Aria",
    "Scarlett",
    "Penelope",
    "Layla",
    "Chloe",
    "Victoria",
    "Madison",
    "Eleanor",
    "Grace",
    "Nora",
    "Riley",
    "Zoey",
    "Hannah",
    "Hazel",
    "Lily",
    "Ellie",
    "Violet",
    "Lillian",
    "Zoe",
    "Stella",
    "Aurora",
    "Natalie",
    "Priya",
    "Aisha",
    "Mei",
    "Yuki",
    "Fatima",
    "Ingrid",
    "Lucia",
    "Chiara",
    "Noor",
    "Ananya",
)
FIRST_NAMES_MALE = (
    "Liam",
    "Noah",
    "Oliver",
    "Elijah",
    "James",
    "William",
    "Benjamin",
    "Lucas",
    "Henry",
    "Theodore",
    "Jack",
    "Levi",
    "Alexander",
    "Jackson",
    "Mateo",
    "Daniel",
    "Michael",
    "Mason",
    "Sebastian",
    "Ethan",
    "Logan",
    "Owen",
    "Samuel",
    "Jacob",
    "Asher",
    "Aiden",
    "John",
    "Joseph",
    "Wyatt",
    "David",
    "Leo",
    "Luke",
    "Julian",
    "Hudson",
    "Grayson",
    "Matthew",
    "Ezra",
    "Gabriel",
    "Carter",
    "Isaac",
    "Arjun",
    "Omar",
    "Wei",
    "Kenji",
    "Tariq",
    "Lars",
    "Diego",
    "Marco",
    "Kwame",
    "Ravi",
)
LAST_NAMES = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Patel",
    "Kim",
    "Chen",
    "Singh",
    "Tanaka",
    "Okafor",
    "Novak",
    "Larsen",
    "Rossi",
    "Schmidt",
    "Muller",
    "Dubois",
    "Silva",
    "Kowalski",
    "Ivanova",
    "Haddad",
    "Mensah",
    "Sato",
    "Park",
    "Gupta",
)
REPO_NAMES = (
    "api-gateway",
    "billing-service",
    "web-app",
    "mobile-app",
    "data-platform",
    "auth-service",
    "search-service",
    "notifications",
    "payments",
    "infra-terraform",
    "design-system",
    "analytics-jobs",
)
JIRA_PROJECT_KEYS = ("PLAT", "CORE", "WEB", "MOB", "DATA", "PAY", "INFRA", "GROW")
