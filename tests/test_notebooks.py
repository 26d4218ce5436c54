"""Every notebook in notebooks/ runs from top to bottom, and is stored without outputs.

Each notebook is executed with nbclient in a fresh ``python3`` kernel whose
working directory is an empty temporary folder, not ``notebooks/``: the
notebooks read what they need from the installed package
(:func:`projsim.io.packaged.shipped`), so they run from any folder. Warnings are errors inside the
kernel too, as in the rest of the test suite: a setup cell, added to the copy
that is executed and never to the file, turns them into exceptions.
"""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))

#: Run in the kernel before the notebook's first cell. ipykernel 7 warns about
#: its own ``do_shutdown`` when the kernel is shut down, after the last cell.
WARNINGS_ARE_ERRORS = """\
import warnings
warnings.simplefilter("error")
warnings.filterwarnings("ignore", message="For consistency across implementations, it is "
                        "recommended that `do_shutdown`", category=PendingDeprecationWarning)
"""


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebook found in notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_is_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    dirty = [index for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"
             and (cell.outputs or cell.execution_count is not None)]
    assert not dirty, (f"{path.name}: code cells {dirty} have stored outputs or execution counts; "
                       f"clear them (jupyter nbconvert --clear-output --inplace {path.name})")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_opens_nothing_relative_to_its_folder(path):
    """A path such as '../validation/...' works only from notebooks/ in a checkout."""
    sources = "".join(cell.source for cell in nbformat.read(path, as_version=4).cells
                      if cell.cell_type == "code")
    assert "../" not in sources and "..\\" not in sources


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_runs(path, tmp_path):
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(WARNINGS_ARE_ERRORS))
    files_before = sorted(path.parent.rglob("*"))
    client = NotebookClient(notebook, kernel_name="python3", timeout=120,
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    stderr = [output.text for cell in notebook.cells for output in cell.get("outputs", [])
              if output.output_type == "stream" and output.name == "stderr"]
    assert not stderr, f"{path.name} wrote to stderr:\n" + "".join(stderr)
    assert sorted(path.parent.rglob("*")) == files_before and not any(tmp_path.iterdir()), (
        f"{path.name} left files behind; write them to a tempfile.TemporaryDirectory")
