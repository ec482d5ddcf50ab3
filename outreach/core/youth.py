"""A youth as every capability meets it: its code as typed."""


def youth_code(typed):
    """A youth code as typed ('j42', 'J-0042 ') in its stored form 'J-0042'."""
    return "J-" + "".join(ch for ch in typed if ch.isdigit()).zfill(4)
