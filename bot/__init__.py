"""posting-bot: answers job candidates' questions about a job posting from recruiter-kept YAML."""

__version__ = "0.1.0"
