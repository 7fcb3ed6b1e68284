"""The names skillshare gives its own entries in targets and in the source: never a skill's."""

TEMP_PREFIX = ".skillshare-tmp-"  # work in progress (a copy being built, a link being swapped)
MANIFEST = ".skillshare-manifest.json"  # a copy-mode target's record of its managed copies
