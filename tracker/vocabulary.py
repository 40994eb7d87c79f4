"""The fixed vocabularies of the model, importable without SQLAlchemy (the CLI
lists them in --help)."""

# `unnamed`: a source the report does not name ("officials speaking on condition
# of anonymity", "a person familiar with the matter"), recorded as reported.
ACTOR_KINDS = ("person", "organization", "government", "group", "unnamed")
DATE_PRECISIONS = ("day", "month", "year")
APPEARANCE_TYPES = ("direct", "paraphrase")
# Relations that put a claim in dispute, and those that back it.
COUNTER_RELATIONS = ("denies", "disputes", "undercuts")
SUPPORT_RELATIONS = ("supports", "corroborates")
RELATION_TYPES = (*COUNTER_RELATIONS, *SUPPORT_RELATIONS, "restates", "retracts")
# What a piece of evidence does to the claim or verdict it is attached to.
EVIDENCE_STANCES = ("supports", "refutes")
# What `tracker search` looks in.
SEARCH_KINDS = ("claims", "quotes", "sources")
STATUSES = ("contested", "corroborated", "uncontested", "retracted")
# Who may do what on `tracker serve`: readers read, editors also write.
USER_ROLES = ("reader", "editor")
