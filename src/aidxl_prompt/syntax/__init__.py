"""The text level: canonical spelling, escapes and weights, with no models.

Everything here works on strings: :mod:`.normalize` (a tag's canonical spelling, the
escapes each dialect needs, the one weight formatter) and the compel grammar's escapes.
The layers above (``model``, ``vocab``, ``card``, ``files``, the CLI) build on it; it
imports nothing of theirs.
"""

__all__: list[str] = []
