"""A Vega-Lite chart drawn in the browser and updated in place, for live redraws.

:class:`LiveChart` is an ipyvue template widget: the browser embeds the Vega-Lite
``spec_json`` once (vega, vega-lite and vega-embed come from the ``solara-assets`` package,
served by the app's own server: nothing is fetched from the internet), then, when
its data sets change, inserts only the rows it has not drawn yet into the view's named data
sets (``view.change(name, changeset)``) instead of re-rendering the chart.  A data set
listed in ``replaced`` (one whose rows change, such as the staff table) or a new ``run_id``
is replaced whole.  A chart out of sight is brought up to date only when it comes
into view (an ``IntersectionObserver``; unless ``lazy`` is false), so a step costs
the browser only the charts on screen.  After each update the element carries
``data-day`` (the last drawn day) and ``data-run``, which the browser test waits on.

The Vue template below is one idea (embed, then update) kept in one string so the
package needs no data files.
"""

from __future__ import annotations

import json
from typing import Any

import ipyvuetify as v
import traitlets
from ipyvue import Template

TEMPLATE = r"""
<template>
  <div class="kpisim-vega" data-day="-1" data-run="">
    <div ref="plot" class="kpisim-vega-plot"></div>
  </div>
</template>
<script>
module.exports = {
  created() {
    this.counts = {};
    this.busy = Promise.resolve();
    this.vegaLoaded = this.loadVega();
  },
  mounted() {
    // a chart out of sight is not redrawn at each step, only when it comes into view
    this.visible = true;
    if (window.IntersectionObserver) {
      this.observer = new IntersectionObserver((entries) => {
        this.visible = entries.some(e => e.isIntersecting);
        if (this.visible && this.stale) { this.scheduleUpdate(); }
      }, { rootMargin: "300px" });
      this.observer.observe(this.$el);
    }
    this.queue(() => this.embed());
  },
  destroyed() {
    if (this.observer) { this.observer.disconnect(); }
    if (this.view) { this.view.finalize(); this.view = null; }
  },
  watch: {
    spec_json() { this.queue(() => this.embed()); },
    datasets_json() { this.scheduleUpdate(); },
    run_id() { this.scheduleUpdate(); },
    day() { this.scheduleUpdate(); },
  },
  methods: {
    queue(job) {
      // one job at a time, in order: an update never races the embed
      this.busy = this.busy.then(job).catch(e => console.warn("kpisim chart:", e));
      return this.busy;
    },
    scheduleUpdate() {
      if (this.lazy && !this.visible) { this.stale = true; return; }
      this.stale = false;
      // several traits change together at a step: one update draws them all
      if (this.updatePending) { return; }
      this.updatePending = true;
      this.queue(() => { this.updatePending = false; return this.update(); });
    },
    req(names) {
      return new Promise((resolve, reject) => require(names, (...m) => resolve(m), reject));
    },
    async embed() {
      await this.vegaLoaded;
      const [vegaEmbed] = await this.req(["vega-embed"]);
      if (this.view) { this.view.finalize(); }
      const spec = JSON.parse(this.spec_json);
      const result = await vegaEmbed(
        this.$refs.plot, spec, { actions: false, renderer: this.renderer });
      this.view = result.view;
      this.counts = {};
      this.drawnRun = null;
      await this.update();
    },
    async update() {
      if (!this.view) { return; }
      const [vega] = await this.req(["vega"]);
      const fresh = this.drawnRun !== this.run_id;
      const sets = JSON.parse(this.datasets_json);
      for (const name of Object.keys(sets)) {
        const rows = sets[name];
        const have = fresh ? 0 : (this.counts[name] || 0);
        let cs = vega.changeset();
        if (fresh || this.replaced.includes(name) || rows.length < have) {
          cs = cs.remove(() => true).insert(rows);
        } else {
          cs = cs.insert(rows.slice(have));
        }
        this.view.change(name, cs);
        this.counts[name] = rows.length;
      }
      await this.view.runAsync();
      this.drawnRun = this.run_id;
      this.$el.dataset.run = this.run_id;
      this.$el.dataset.day = this.day;
    },
    async loadVega() {
      await this.loadRequire();
      require.config({
        map: {
          "*": {
            "vega": `${this.getCdn()}/VEGA_JS`,
            "vega-lite": `${this.getCdn()}/VEGA_LITE_JS`,
            "vega-embed": `${this.getCdn()}/VEGA_EMBED_JS`,
          },
        },
      });
      await this.req(["vega", "vega-lite", "vega-embed"]);
    },
    loadRequire() {
      if (window.requirejs) { return Promise.resolve(); }
      return new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = `${this.getCdn()}/requirejs@2.3.6/require.js`;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    },
    getCdn() {
      if (window.solara && window.solara.cdn) { return window.solara.cdn; }
      let base = document.body.dataset.baseUrl || document.baseURI;
      if (!base.endsWith("/")) { base += "/"; }
      return `${base}_solara/cdn`;
    },
  },
};
</script>
<style id="kpisim-vega-style">
.kpisim-vega, .kpisim-vega-plot { width: 100%; }
</style>
"""


#: The scripts, as paths under Solara's asset folder (``solara-assets``, pinned in
#: pyproject.toml): exact versions, since a version range would be looked up online.
SCRIPTS = {
    "VEGA_JS": "vega@5.21.0/build/vega.min.js",
    "VEGA_LITE_JS": "vega-lite@5.2.0/build/vega-lite.min.js",
    "VEGA_EMBED_JS": "vega-embed@6.20.2/build/vega-embed.min.js",
}
for _key, _path in SCRIPTS.items():
    TEMPLATE = TEMPLATE.replace(_key, _path)


def encode(datasets: dict[str, Any]) -> str:
    """Data sets (or a spec) as compact JSON for :attr:`LiveChart.datasets_json` and
    :attr:`LiveChart.spec_json` (no NaN: JSON has none, the browser would refuse the
    message).

    Parameters
    ----------
    datasets : dict
        Data set name to rows, or a Vega-Lite spec.
    """
    return json.dumps(datasets, allow_nan=False, separators=(",", ":"))


class LiveChart(v.VuetifyTemplate):
    """A Vega-Lite chart whose named data sets grow in the browser without a re-render.

    ``spec_json``: the Vega-Lite spec as JSON (:func:`encode`; its data sources are
    ``{"name": ...}``, no values), a string for the same reason as ``datasets_json``: the
    page's renderer walks and compares a dict argument key by key at every redraw;
    ``datasets_json``: the data sets as JSON (:func:`encode`), a string so that neither
    the page's renderer nor the widget compares thousands of rows; ``replaced``: names of data
    sets replaced whole on every update; ``run_id``: identifies the run (a new run
    replaces every data set); ``day``: the day the rows reach, shown as ``data-day``
    once drawn.
    """

    spec_json = traitlets.Unicode("{}").tag(sync=True)
    datasets_json = traitlets.Unicode("{}").tag(sync=True)
    replaced = traitlets.List(traitlets.Unicode()).tag(sync=True)
    run_id = traitlets.Unicode("").tag(sync=True)
    day = traitlets.Int(0).tag(sync=True)
    renderer = traitlets.Unicode("svg").tag(sync=True)  # "svg" or "canvas" (faster)
    lazy = traitlets.Bool(True).tag(sync=True)  # redraw only while in view

    @property
    def spec(self) -> dict[str, Any]:
        """The Vega-Lite spec, decoded."""
        return json.loads(self.spec_json)

    @property
    def datasets(self) -> dict[str, list[dict[str, Any]]]:
        """The data sets, decoded: name -> rows."""
        return json.loads(self.datasets_json)

    def __init__(self, **kwargs: Any) -> None:
        # one template widget per chart: widgets belong to a browser session
        kwargs.setdefault("template", Template(template=TEMPLATE))
        super().__init__(**kwargs)
