"""Where the lessons live online, and every launch link built from that one place.

``REPO_URL`` (and ``BRANCH``) is the single setting to change when the repository gets its public
address; then run ``make classroom`` (``tools/classroom_cells.py``) to regenerate each lesson's
launch line and bootstrap cell, and ``make site`` for the read-along site. ``tests/
test_classroom.py`` checks that every lesson carries exactly the generated cells.

    launch_links("01_capacity_and_overfitting.ipynb")   # {"Colab": url, "Binder · JupyterLab": ...}
    nbgitpuller_link("https://hub.example.edu")         # a JupyterHub link that clones/updates the
                                                        # repository and opens the first lesson
"""

from __future__ import annotations

from types import MappingProxyType
from urllib.parse import quote, urlsplit

from wdlib import _checks

REPO_URL = "https://github.com/OWNER/wdlib-lessons"   # placeholder: no public address yet
BRANCH = "main"
NOTEBOOK_DIR = "notebooks"
#: The lesson files in ``notebooks/`` (the notebooks are not in the wheel, so they are listed
#: here; tests/test_classroom.py keeps this equal to the folder). A hub link opens one of them.
LESSONS = (
    "00_start_here.ipynb", "01_capacity_and_overfitting.ipynb", "02_l2_weight_decay.ipynb",
    "03_l1_sparsity_and_constraints.ipynb", "04_choosing_lambda.ipynb",
    "05_vanishing_exploding_gradients.ipynb", "06_gradient_clipping.ipynb",
    "07_lr_momentum_schedules.ipynb", "08_decoupled_weight_decay.ipynb",
    "09_weight_decay_normalized.ipynb")
LAUNCH_TAG, BOOTSTRAP_TAG = "wdlib-launch", "wdlib-bootstrap"   # cell tags (and cell ids)


def github_slug(repo_url: str = REPO_URL) -> str:
    """``"OWNER/NAME"`` of a GitHub URL (Colab and Binder address repositories by it)."""
    parts = urlsplit(repo_url)
    slug = parts.path.strip("/").removesuffix(".git")
    if parts.netloc != "github.com" or slug.count("/") != 1:
        raise ValueError(f"REPO_URL must be https://github.com/OWNER/NAME, got {repo_url!r}")
    return slug


def _path(notebook: str) -> str:
    return f"{NOTEBOOK_DIR}/{notebook}"


def colab_url(notebook: str) -> str:
    """Colab's address of ``notebook``, one of ``LESSONS`` (its file name or stem)."""
    notebook = _lesson(notebook)
    return f"https://colab.research.google.com/github/{github_slug()}/blob/{BRANCH}/{_path(notebook)}"


def binder_url(notebook: str, voila: bool = False) -> str:
    """mybinder.org (repo2docker builds ``environment.yml``): JupyterLab, or Voilà (code hidden);
    ``notebook``: one of ``LESSONS`` (its file name or stem)."""
    notebook = _lesson(notebook)
    voila = _checks.flag("voila", voila)
    urlpath = f"voila/render/{_path(notebook)}" if voila else f"lab/tree/{_path(notebook)}"
    return (f"https://mybinder.org/v2/gh/{github_slug()}/{BRANCH}"
            f"?urlpath={quote(urlpath, safe='')}")


def clone_folder(repo: str = REPO_URL) -> str:
    """The folder a clone of ``repo`` gets: the last part of its URL or path, less ``.git``."""
    name = repo.rstrip("/").split("/")[-1].removesuffix(".git")
    if not name:
        raise ValueError(f"no folder name in repo {repo!r}")
    return name


#: nbgitpuller_link's ``app``: the page that opens a notebook, under the learner's server
APPS = MappingProxyType({"lab": "lab/tree", "notebook": "notebooks"})


def nbgitpuller_link(hub_url: str, notebook: str = "00_start_here.ipynb", app: str = "lab",
                     repo: str = REPO_URL, branch: str = BRANCH) -> str:
    """A link for a JupyterHub with nbgitpuller: clones (later: updates, keeping the learner's
    edits) ``repo`` into the learner's home, then opens ``notebook`` in JupyterLab (``app``
    "lab") or in Jupyter Notebook (``app`` "notebook"; its /notebooks/ page, classic or 7).

    ``hub_url`` is the hub's address: ``http://`` or ``https://``, a host, optionally a path
    prefix, no query or fragment. ``notebook`` is one of ``LESSONS``, by its file name
    (``"02_l2_weight_decay.ipynb"``) or without ``.ipynb``; anything else raises ValueError.
    ``repo`` is anything ``git clone`` on the hub takes: the public URL (the default), or a
    repository on the hub machine itself (``file:///srv/wdlib-lessons.git`` or a path), as the
    hub test does. The clone goes to ``~/<clone_folder(repo)>`` (``targetpath``, stated in the
    link so that ``x.git`` and ``x`` both land in ``~/x``)."""
    hub_url = _hub_url(hub_url)
    notebook = _lesson(notebook)
    app = _checks.choice("app", app, APPS)
    folder = clone_folder(repo)
    urlpath = f"{APPS[app]}/{folder}/{_path(notebook)}"
    return (f"{hub_url.rstrip('/')}/hub/user-redirect/git-pull?repo={quote(repo, safe='')}"
            f"&branch={quote(branch, safe='')}&targetpath={quote(folder, safe='')}"
            f"&urlpath={quote(urlpath, safe='')}")


def _hub_url(hub_url) -> str:
    """An absolute http(s) URL with a host and no query or fragment (else a relative or
    broken link would be handed to a class)."""
    ok = isinstance(hub_url, str) and hub_url.isprintable() and " " not in hub_url
    if ok:
        parts = urlsplit(hub_url)
        ok = (parts.scheme in ("http", "https") and bool(parts.hostname)
              and "?" not in hub_url and "#" not in hub_url)
    if not ok:
        raise ValueError(f"hub_url must be an http(s) URL without a query or fragment, "
                         f"e.g. 'https://hub.example.edu', got {hub_url!r}")
    return hub_url


def _lesson(notebook) -> str:
    """One of ``LESSONS``, given by its file name or its stem."""
    if isinstance(notebook, str):
        for name in (notebook, f"{notebook}.ipynb"):
            if name in LESSONS:
                return name
    raise ValueError(f"notebook must be a lesson in {NOTEBOOK_DIR}/ (e.g. '{LESSONS[0]}'), "
                     f"got {notebook!r}; the lessons: {', '.join(LESSONS)}")


def launch_links(notebook: str) -> dict[str, str]:
    return {"Colab": colab_url(notebook),
            "Binder · JupyterLab": binder_url(notebook),
            "Binder · Voilà (code hidden)": binder_url(notebook, voila=True)}


def launch_line(notebook: str) -> str:
    """The markdown line at the top of each lesson (plain links: no badge images to fetch)."""
    links = " · ".join(f"[{label}]({url})" for label, url in launch_links(notebook).items())
    return f"**Open this lesson live:** {links} · locally: `make lab`"


def bootstrap_source() -> str:
    """The first code cell of each lesson: installs wdlib only where it is missing (Colab, a
    bare JupyterHub); a no-op with no output wherever wdlib is installed (locally, Binder,
    nbval). From the clone when the notebook sits in one (nbgitpuller), else from REPO_URL. Where
    site-packages is not writable pip installs per user, into a folder the running kernel did not
    have on its path when it started (it did not exist yet): it is put where a restart would put
    it (before site-packages, so a dependency pip upgraded per user wins), no restart needed."""
    return (
        "# Setup for Colab or a bare JupyterHub: installs wdlib only if it is missing.\n"
        "import importlib.util, os, subprocess, sys\n"
        "if importlib.util.find_spec(\"wdlib\") is None:\n"
        f"    src = \"..\" if os.path.isdir(\"../wdlib\") else \"git+{REPO_URL}@{BRANCH}\"\n"
        "    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"--quiet\", src],"
        " check=True)\n"
        "    import importlib, site   # pip may fall back to a per-user install: use it now,\n"
        "    user = site.getusersitepackages()   # before site-packages, as a restart would\n"
        "    if site.ENABLE_USER_SITE and user not in sys.path:\n"
        "        at = [i for i, p in enumerate(sys.path) if p.endswith(\"-packages\")]\n"
        "        sys.path.insert(at[0] if at else len(sys.path), user)\n"
        "    importlib.invalidate_caches()")


def classroom_cells(notebook: str) -> list[dict]:
    """The two cells a lesson starts with (nbformat 4.5 dicts, ids and tags fixed)."""
    return [
        {"cell_type": "markdown", "id": LAUNCH_TAG, "metadata": {"tags": [LAUNCH_TAG]},
         "source": launch_line(notebook)},
        {"cell_type": "code", "id": BOOTSTRAP_TAG, "execution_count": 1,
         "metadata": {"tags": [BOOTSTRAP_TAG]}, "outputs": [], "source": bootstrap_source()},
    ]
