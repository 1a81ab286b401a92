"""The text level: the grammar, the scanners, spelling, escapes and weights; no models.

Everything here works on strings: :mod:`.grammar` (the one table of named rules every
reader and writer uses), :mod:`.a1111` and :mod:`.comfyui` (the scanners: text to plain
:mod:`.pieces` with spans, and the repairs), :mod:`.normalize` (a tag's canonical
spelling, the escapes each dialect needs, the one weight formatter) and the compel
grammar's checks. The layers above (``model``, ``vocab``, ``card``, ``files``, the CLI)
build on it; it imports nothing of theirs.
"""

__all__: list[str] = []
