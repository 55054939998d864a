"""Errors users can cause with an engine's input files, in Chinese and English, naming file, row, column and fix."""

from __future__ import annotations


class InputError(ValueError):
    """An input file is unreadable or has a bad value; nothing is computed.

    ``str(error)`` gives the Chinese message, then the English one, each naming the file, the row (1-based,
    header = row 1, as a spreadsheet shows it), the column and the fix.
    """

    def __init__(
        self,
        file: str,
        problem_zh: str,
        problem_en: str,
        fix_zh: str,
        fix_en: str,
        row: int | None = None,
        column: str | None = None,
    ):
        self.file, self.row, self.column = file, row, column
        self.problem_en, self.fix_en = problem_en, fix_en
        where_zh = f"文件 {file}" + (f" 第 {row} 行" if row is not None else "") + (f" 列 {column}" if column else "")
        where_en = (
            f"file {file}" + (f", row {row}" if row is not None else "") + (f", column {column}" if column else "")
        )
        super().__init__(f"{where_zh}：{problem_zh}。请{fix_zh}。\n{where_en}: {problem_en}. Fix: {fix_en}.")
