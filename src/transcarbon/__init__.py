"""transcarbon: green-transport and carbon management platform (绿色交通与碳排放管理平台)."""

__version__ = "0.1.0"
