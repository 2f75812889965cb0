"""Excel cell names, shared by the KÅS reader, the site's XLSX writer and the
benchmark's generator."""


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (bijective base 26, as spreadsheets count)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
