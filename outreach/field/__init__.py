"""The worker's field work: hangplekken, visits, contacts, youths, offline use."""
