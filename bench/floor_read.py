"""The floor: calamine (fastexcel) loading every sheet of every file as text, nothing else.

    python bench/floor_read.py PATH [PATH ...]

A whole process, like the command it is set against: interpreter start, the fastexcel import,
then each file opened and each of its sheets loaded with every cell as a string (what our reader
processes ask calamine for). Directories are read recursively (*.xlsx). Prints the file count.
"""

from __future__ import annotations

import sys
from pathlib import Path

import fastexcel


def main() -> None:
    files: list[Path] = []
    for argument in sys.argv[1:]:
        path = Path(argument)
        files.extend(sorted(path.rglob("*.xlsx")) if path.is_dir() else [path])
    for file in files:
        reader = fastexcel.read_excel(file)
        for index in range(len(reader.sheet_names)):
            reader.load_sheet(index, header_row=None, skip_rows=0, dtypes="string")
    print(len(files))


if __name__ == "__main__":
    main()
