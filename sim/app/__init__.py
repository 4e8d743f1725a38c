"""The trainers' live browser app (``kpisim app``): watch a KPI turn toxic.

One concern per module:

- :mod:`~sim.app.settings` — what the trainer can set, lesson presets, the config;
- :mod:`~sim.app.snapshot` — the model's state turned into the page's numbers;
- :mod:`~sim.app.charts` — the matplotlib figures and their PNG rendering (export);
- :mod:`~sim.app.export` — writing the charts as PNG files for slides, the slides' ZIP;
- :mod:`~sim.app.timeline` — the run's events, read from what the model records;
- :mod:`~sim.app.slides` — slide-ready figures (the screen, each chart, fixed axes);
- :mod:`~sim.app.debrief` — the printable debrief, one self-contained HTML page;
- :mod:`~sim.app.sharing` — the download buttons and the timeline list;
- :mod:`~sim.app.panels`, :mod:`~sim.app.livecharts`, :mod:`~sim.app.vega_widget` — the
  live charts: panels, Vega-Lite specs and rows, and the browser widget that adds new
  rows without a re-render;
- :mod:`~sim.app.state` — a session's state (applied vs draft settings, the comparison
  run shown side by side, presenter mode);
- :mod:`~sim.app.messages`, :mod:`~sim.app.redraws` — the page's message of the moment
  (an action's error becomes one) and the play loop's handshake with the redraws;
- :mod:`~sim.app.plain`, :mod:`~sim.app.presenter` — presenter mode: the lesson's tiles
  in plain words with a hover glossary, both schemes side by side, the room's questions;
- :mod:`~sim.app.controls`, :mod:`~sim.app.runner`, :mod:`~sim.app.views`,
  :mod:`~sim.app.a11y`, :mod:`~sim.app.page` — the Solara page (``solara run sim.app.page``);
- :mod:`~sim.app.launcher` — the ``kpisim app`` command;
- :mod:`~sim.app.render` — drawing a figure to PNG fast, checking its layout;
- :mod:`~sim.app.lessons` — a lesson run headless as the page runs it (the lesson test);
- :mod:`~sim.app.timing` — the redraw-speed measurement of ``docs/app.md``.

Nothing is imported here, so ``kpisim app --help`` does not load Solara.
"""
