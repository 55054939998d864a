"""The synthetic Lianyungang demo data set (示例数据，非真实数据): generated deterministically from a seed
(:mod:`.generator`, :mod:`.sectors`, :mod:`.ais`) and loaded through the services (:mod:`.builder`), so
that every page tells one story. ``demo/`` may import services; services never import ``demo/``.
"""
