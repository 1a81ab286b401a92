"""Tag knowledge: the embedded Danbooru table and a user's own tables
(:mod:`.vocabulary`), the slot lists and patterns (``_slot_rules``), the classifier that
puts a tag in its card slot (:mod:`.classify`) and fuzzy suggestions (:mod:`.suggest`).
"""

__all__: list[str] = []
