/* geomap map runtime: draws the packed events (see geomap/render/data.py) on a canvas.
 * Every piece of data reaches the DOM through textContent / createElement / properties,
 * never through innerHTML, so news text cannot become markup or code. */
(function () {
  'use strict';
  var MAXLAT = 85.0511287798;
  var CELL = 46;
  var PAD = 0.15;
  var DAY_MS = 86400000;
  var PAGE = 25;
  var MAX_ARCS = 400;

  function projX(lon) { return (lon + 180) / 360 * 256; }
  function projY(lat) {
    lat = Math.max(-MAXLAT, Math.min(MAXLAT, lat));
    var s = Math.sin(lat * Math.PI / 180);
    return (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * 256;
  }
  function isoDay(day) { return new Date(day * DAY_MS).toISOString().slice(0, 10); }
  function dateText(day, precision) {
    var iso = isoDay(day);
    if (precision === 'year') return iso.slice(0, 4) + ' (year)';
    if (precision === 'month') return iso.slice(0, 7) + ' (month)';
    if (precision === 'week') return 'week of ' + iso;
    return iso + (precision ? ' (' + precision + ')' : '');
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function safeHref(url) {
    if (typeof url !== 'string') return null;
    var u;
    try { u = new URL(url); } catch (err) { return null; }
    return (u.protocol === 'http:' || u.protocol === 'https:') ? u.href : null;
  }
  function radius(n) { return Math.min(30, 6 + 2.6 * Math.log(n)); }

  /* A canvas covering the view (plus a margin), redrawn on moveend, scaled during zoom. */
  var CanvasLayer = L.Layer.extend({
    initialize: function (pane, draw) { this._paneName = pane; this._drawFn = draw; this.lastMs = 0; },
    onAdd: function (map) {
      this._canvas = L.DomUtil.create('canvas', 'leaflet-zoom-animated geomap-canvas');
      map.getPane(this._paneName).appendChild(this._canvas);
      map.on('moveend resize', this.redraw, this);
      map.on('zoomanim', this._animateZoom, this);
      this.redraw();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off('moveend resize', this.redraw, this);
      map.off('zoomanim', this._animateZoom, this);
    },
    redraw: function () {
      var map = this._map;
      if (!map) return;
      var t0 = performance.now();
      var size = map.getSize();
      var px = Math.round(size.x * PAD), py = Math.round(size.y * PAD);
      var w = size.x + 2 * px, h = size.y + 2 * py;
      var dpr = window.devicePixelRatio || 1;
      var c = this._canvas;
      if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
        c.width = Math.round(w * dpr); c.height = Math.round(h * dpr);
        c.style.width = w + 'px'; c.style.height = h + 'px';
      }
      var topLeft = map.containerPointToLayerPoint([-px, -py]);
      L.DomUtil.setPosition(c, topLeft);
      this._topLeftLatLng = map.containerPointToLatLng([-px, -py]);
      var ctx = c.getContext('2d');
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, c.width, c.height);
      var z = map.getZoom();
      var origin = map.getPixelBounds().min;
      this.view = { zoom: z, scale: Math.pow(2, z), ox: origin.x - px, oy: origin.y - py,
                    w: w, h: h, padX: px, padY: py, dpr: dpr };
      this._drawFn(ctx, this.view);
      this.lastMs = performance.now() - t0;
    },
    _animateZoom: function (e) {
      var map = this._map;
      var scale = map.getZoomScale(e.zoom, map.getZoom());
      var offset = map._latLngToNewLayerPoint(this._topLeftLatLng, e.zoom, e.center);
      L.DomUtil.setTransform(this._canvas, offset, scale);
    }
  });

  /* ---------------- basemap: country outlines, drawn as Path2D in world pixels ---------- */
  function makeBasemap(B) {
    var q = B.quant;
    var arcs = B.arcs.map(function (flat) {
      var out = new Float64Array(flat.length), x = 0, y = 0;
      for (var i = 0; i < flat.length; i += 2) {
        x += flat[i]; y += flat[i + 1];
        out[i] = projX(x / q); out[i + 1] = projY(y / q);
      }
      return out;
    });
    function addArc(path, id, first) {
      var a = id >= 0 ? arcs[id] : arcs[~id], n = a.length / 2, i, k, lastX = 0;
      for (i = 0; i < n; i++) {
        k = id >= 0 ? i : n - 1 - i;
        var x = a[2 * k], y = a[2 * k + 1];
        // a jump across the antimeridian is a break in the line, not a line across the world
        if ((i === 0 && first) || (i > 0 && Math.abs(x - lastX) > 128)) path.moveTo(x, y);
        else if (i > 0) path.lineTo(x, y);
        lastX = x;
      }
    }
    var land = new Path2D();
    B.countries.forEach(function (c) {
      if (c.r) {
        c.r.forEach(function (part) {
          part.forEach(function (flat) {
            var x = 0, y = 0;
            for (var i = 0; i < flat.length; i += 2) {
              x += flat[i]; y += flat[i + 1];
              if (i === 0) land.moveTo(projX(x / q), projY(y / q)); else land.lineTo(projX(x / q), projY(y / q));
            }
            land.closePath();
          });
        });
        return;
      }
      c.a.forEach(function (poly) {
        poly.forEach(function (ring) {
          ring.forEach(function (id, j) { addArc(land, id, j === 0); });
          land.closePath();
        });
      });
    });
    var borders = new Path2D();
    arcs.forEach(function (a, i) { addArc(borders, i, true); });
    var labels = B.countries.map(function (c) {
      return { name: c.n, x: projX(c.l[1]), y: projY(c.l[0]), w: c.w / 360 * 256 };
    });
    var widths = {};
    return function draw(ctx, v) {
      var s = v.scale;
      ctx.setTransform(s * v.dpr, 0, 0, s * v.dpr, -v.ox * v.dpr, -v.oy * v.dpr);
      ctx.fillStyle = '#f3f0e8';
      ctx.fill(land, 'nonzero');
      ctx.lineWidth = 0.8 / s;
      ctx.strokeStyle = '#a9a294';
      ctx.stroke(borders);
      ctx.setTransform(v.dpr, 0, 0, v.dpr, 0, 0);
      if (v.zoom < 3) return;
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillStyle = '#8a8377';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      for (var i = 0; i < labels.length; i++) {
        var L0 = labels[i];
        var x = L0.x * s - v.ox, y = L0.y * s - v.oy;
        if (x < -100 || y < -20 || x > v.w + 100 || y > v.h + 20) continue;
        var tw = widths[L0.name] || (widths[L0.name] = ctx.measureText(L0.name).width);
        if (L0.w * s < tw + 10) continue;
        ctx.fillText(L0.name, x, y);
      }
    };
  }

  /* ---------------- the event model ---------------- */
  function Model(D) {
    var i;
    this.D = D;
    this.T = D.types.length;
    var ev = D.ev;
    var N = this.N = ev.kind.length;
    var nPt = this.nPt = D.points.lat.length;
    this.px = new Float64Array(nPt); this.py = new Float64Array(nPt);
    for (i = 0; i < nPt; i++) { this.px[i] = projX(D.points.lon[i]); this.py[i] = projY(D.points.lat[i]); }
    var nPl = D.places.length;
    this.placePoint = new Int32Array(nPl);
    for (i = 0; i < nPl; i++) this.placePoint[i] = D.places[i][0];
    var nS = D.sites.length;
    var sitePlace = new Int32Array(nS);
    for (i = 0; i < nS; i++) sitePlace[i] = D.sites[i][0];
    this.kindType = new Int32Array(D.kinds.length);
    for (i = 0; i < D.kinds.length; i++) this.kindType[i] = D.kinds[i][0];
    var dayOf = new Float64Array(D.dates.length);
    for (i = 0; i < D.dates.length; i++) dayOf[i] = D.dates[i][0];
    this.evKind = new Int32Array(N); this.evPlace = new Int32Array(N); this.evPoint = new Int32Array(N);
    this.evDay = new Float64Array(N); this.evAset = new Int32Array(N);
    var minDay = Infinity, maxDay = -Infinity, undated = 0;
    for (i = 0; i < N; i++) {
      this.evKind[i] = ev.kind[i];
      var pl = sitePlace[ev.site[i]];
      this.evPlace[i] = pl;
      this.evPoint[i] = this.placePoint[pl];
      var d = ev.date[i];
      if (d >= 0) {
        var day = dayOf[d];
        this.evDay[i] = day;
        if (day < minDay) minDay = day;
        if (day > maxDay) maxDay = day;
      } else { this.evDay[i] = NaN; undated++; }
      this.evAset[i] = ev.actors[i];
    }
    this.minDay = minDay; this.maxDay = maxDay; this.undated = undated;
    this.hist = maxDay > minDay ? new Int32Array(Math.min(60, maxDay - minDay + 1)) : null;
    // first quote of each event: events have one quote unless listed in ev.nq
    this.qStart = new Int32Array(N + 1);
    var nq = new Int32Array(N).fill(1);
    for (i = 0; i < ev.nq.length; i++) nq[ev.nq[i][0]] = ev.nq[i][1];
    for (i = 0; i < N; i++) this.qStart[i + 1] = this.qStart[i] + nq[i];
    this.evModality = new Int32Array(N);
    for (i = 0; i < ev.modality.length; i++) this.evModality[ev.modality[i][0]] = ev.modality[i][1];
    this.nonAsserted = ev.modality.length;
    this.origin = {};
    for (i = 0; i < ev.origin.length; i++) this.origin[ev.origin[i][0]] = ev.origin[i][1];
    // events of each point (CSR)
    var start = new Int32Array(nPt + 1);
    for (i = 0; i < N; i++) start[this.evPoint[i] + 1]++;
    for (i = 0; i < nPt; i++) start[i + 1] += start[i];
    var fill = start.slice(0, nPt), list = new Int32Array(N);
    for (i = 0; i < N; i++) list[fill[this.evPoint[i]]++] = i;
    this.ptStart = start; this.ptEvents = list;
    // filter state
    this.kindOn = new Uint8Array(D.kinds.length).fill(1);
    this.showNonAsserted = true;
    this.dayFrom = minDay; this.dayTo = maxDay; this.showUndated = true;
    this.query = '';
    this.placeMatch = null; this.asetMatch = null;
    this.vis = new Uint8Array(N);
    this.ptCount = new Int32Array(nPt);
    this.ptTypes = new Int32Array(nPt * this.T);
    this.kindCount = new Int32Array(D.kinds.length);
    this.visible = 0;
  }
  Model.prototype.setQuery = function (q) {
    var D = this.D, i;
    q = (q || '').trim().toLowerCase();
    this.query = q;
    if (!q) { this.placeMatch = this.asetMatch = null; return; }
    if (!this._placeText) {
      var strs = D.strs;
      this._placeText = D.places.map(function (p) { return (p[1] + '\u0001' + p[2] + '\u0001' + p[3]).toLowerCase(); });
      this._asetText = D.actorSets.map(function (a) {
        var out = [];
        for (var j = 0; j < a.length; j += 2) out.push(strs[a[j]]);
        return out.join('\u0001').toLowerCase();
      });
    }
    this.placeMatch = new Uint8Array(this._placeText.length);
    for (i = 0; i < this._placeText.length; i++) this.placeMatch[i] = this._placeText[i].indexOf(q) >= 0 ? 1 : 0;
    this.asetMatch = new Uint8Array(this._asetText.length);
    for (i = 0; i < this._asetText.length; i++) this.asetMatch[i] = this._asetText[i].indexOf(q) >= 0 ? 1 : 0;
  };
  Model.prototype.recompute = function () {
    var N = this.N, T = this.T, i;
    var vis = this.vis, ptCount = this.ptCount, ptTypes = this.ptTypes, kc = this.kindCount;
    ptCount.fill(0); ptTypes.fill(0); kc.fill(0);
    var from = this.dayFrom, to = this.dayTo, undated = this.showUndated;
    var pm = this.placeMatch, am = this.asetMatch, showNA = this.showNonAsserted;
    var evKind = this.evKind, evDay = this.evDay, evPlace = this.evPlace, evAset = this.evAset;
    var evPoint = this.evPoint, evMod = this.evModality, kindOn = this.kindOn, kindType = this.kindType;
    var visible = 0;
    // histogram of the events every filter but the dates lets through, for the time bar
    var hist = this.hist, hScale = 0, minDay = this.minDay;
    if (hist) { hist.fill(0); hScale = hist.length / (this.maxDay - minDay + 1); }
    for (i = 0; i < N; i++) {
      var day = evDay[i], k = evKind[i], ok = true;
      if (pm !== null) { var a = evAset[i]; ok = pm[evPlace[i]] === 1 || (a >= 0 && am[a] === 1); }
      if (ok && !showNA && evMod[i] !== 0) ok = false;
      if (hist && ok && kindOn[k] && day === day) hist[((day - minDay) * hScale) | 0]++;
      if (ok) ok = day === day ? (day >= from && day <= to) : undated;
      if (ok) kc[k]++;
      if (ok && kindOn[k]) {
        vis[i] = 1; visible++;
        var p = evPoint[i];
        ptCount[p]++; ptTypes[p * T + kindType[k]]++;
      } else vis[i] = 0;
    }
    this.visible = visible;
    // movement arcs between points, aggregated
    var arcs = new Map(), list = [];
    for (var key in this.origin) {
      var e = +key;
      if (!vis[e]) continue;
      var o = this.placePoint[this.origin[key]], d = evPoint[e];
      if (o === d) continue;
      var ak = o * this.nPt + d, arc = arcs.get(ak);
      if (!arc) { arc = { o: o, d: d, events: [], type: kindType[evKind[e]] }; arcs.set(ak, arc); list.push(arc); }
      arc.events.push(e);
    }
    this.arcs = list;
  };

  /* ---------------- the map instance ---------------- */
  function GeomapView(map, D, B, opts) {
    var self = this;
    this.map = map;
    this.model = new Model(D);
    this.D = D;
    this.maxZoom = map.getMaxZoom();
    var m = this.model;
    var nPt = m.nPt;
    this.symX = new Float64Array(nPt); this.symY = new Float64Array(nPt);
    this.symN = new Int32Array(nPt); this.symR = new Float64Array(nPt);
    this.symHead = new Int32Array(nPt); this.memNext = new Int32Array(nPt);
    this.pointSym = new Int32Array(nPt);
    this.nSym = 0;
    this.drawnArcs = [];
    this.tip = null;
    this.tipSym = -1;
    map.on('movestart zoomstart', function () {
      if (self.tip) { map.closeTooltip(self.tip); self.tip = null; self.tipSym = -1; }
    });
    map.createPane('geomapBase').style.zIndex = 150;
    map.createPane('geomapEvents').style.zIndex = 450;
    if (B) {
      this.baseLayer = new CanvasLayer('geomapBase', makeBasemap(B));
      this.baseLayer.addTo(map);
      map.attributionControl.addAttribution('Outlines: Natural Earth');
    }
    if (opts.tiles) {
      L.tileLayer(opts.tiles.url, { attribution: opts.tiles.attribution, maxZoom: this.maxZoom }).addTo(map);
    }
    this.layer = new CanvasLayer('geomapEvents', function (ctx, v) { self.draw(ctx, v); });
    this.legend = this.buildLegend(opts);
    this.model.recompute();
    this.updateCounts();
    this.layer.addTo(map);
    map.on('click', this.onClick, this);
    map.on('mousemove', this.onMove, this);
  }

  GeomapView.prototype.draw = function (ctx, v) {
    var m = this.model, T = m.T, colors = this.D.colors;
    var s = v.scale, ox = v.ox, oy = v.oy, w = v.w, h = v.h;
    var cell = v.zoom >= this.maxZoom ? 0 : CELL;
    var symX = this.symX, symY = this.symY, symN = this.symN, symR = this.symR;
    var head = this.symHead, next = this.memNext, pointSym = this.pointSym;
    var ptCount = m.ptCount, px = m.px, py = m.py;
    var cells = new Map(), nSym = 0, p, x, y, sIdx;
    pointSym.fill(-1);
    for (p = 0; p < m.nPt; p++) {
      var c = ptCount[p];
      if (c === 0) continue;
      x = px[p] * s - ox; y = py[p] * s - oy;
      if (x < 0 || y < 0 || x > w || y > h) continue;
      if (cell) {
        var key = Math.floor(x / cell) * 65536 + Math.floor(y / cell);
        sIdx = cells.get(key);
        if (sIdx === undefined) {
          sIdx = nSym++; cells.set(key, sIdx);
          symX[sIdx] = 0; symY[sIdx] = 0; symN[sIdx] = 0; head[sIdx] = -1;
        }
      } else {
        sIdx = nSym++; symX[sIdx] = 0; symY[sIdx] = 0; symN[sIdx] = 0; head[sIdx] = -1;
      }
      symX[sIdx] += x * c; symY[sIdx] += y * c; symN[sIdx] += c;
      next[p] = head[sIdx]; head[sIdx] = p; pointSym[p] = sIdx;
    }
    var drawn = 0;
    for (sIdx = 0; sIdx < nSym; sIdx++) {
      symX[sIdx] /= symN[sIdx]; symY[sIdx] /= symN[sIdx]; symR[sIdx] = radius(symN[sIdx]);
      drawn += symN[sIdx];
    }
    this.nSym = nSym;
    this.drawnEvents = drawn;
    var dpr = v.dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.drawArcs(ctx, v);
    var tc = new Int32Array(T), t;
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = '#ffffff';
    for (sIdx = 0; sIdx < nSym; sIdx++) {
      tc.fill(0);
      for (p = head[sIdx]; p >= 0; p = next[p]) for (t = 0; t < T; t++) tc[t] += m.ptTypes[p * T + t];
      x = symX[sIdx]; y = symY[sIdx];
      var r = symR[sIdx], total = symN[sIdx], nTypes = 0, only = 0;
      for (t = 0; t < T; t++) if (tc[t]) { nTypes++; only = t; }
      if (nTypes === 1) {
        ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI);
        ctx.fillStyle = colors[only]; ctx.fill();
      } else {
        var a0 = -Math.PI / 2;
        for (t = 0; t < T; t++) {
          if (!tc[t]) continue;
          var a1 = a0 + 2 * Math.PI * tc[t] / total;
          ctx.beginPath(); ctx.moveTo(x, y); ctx.arc(x, y, r, a0, a1); ctx.closePath();
          ctx.fillStyle = colors[t]; ctx.fill();
          a0 = a1;
        }
      }
      ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.stroke();
    }
    if (v.zoom >= 6 && nSym <= 400) this.drawPlaceLabels(ctx);
    ctx.font = 'bold 11px system-ui, sans-serif';
    ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
    ctx.lineWidth = 3; ctx.strokeStyle = 'rgba(0,0,0,0.55)'; ctx.fillStyle = '#fff';
    for (sIdx = 0; sIdx < nSym; sIdx++) {
      if (symN[sIdx] < 2) continue;
      var label = symN[sIdx] >= 10000 ? Math.round(symN[sIdx] / 1000) + 'k' : String(symN[sIdx]);
      ctx.strokeText(label, symX[sIdx], symY[sIdx]);
      ctx.fillText(label, symX[sIdx], symY[sIdx]);
    }
  };

  GeomapView.prototype.drawPlaceLabels = function (ctx) {
    // the offline basemap has no streets or towns: name the places that carry events
    var m = this.model, D = this.D;
    ctx.font = '12px system-ui, sans-serif';
    ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
    ctx.lineWidth = 3; ctx.strokeStyle = 'rgba(255,255,255,0.9)'; ctx.fillStyle = '#333';
    var boxes = [];
    for (var s = 0; s < this.nSym; s++) {
      var p = this.symHead[s];
      if (p < 0 || this.memNext[p] >= 0) continue;  // clusters of several places stay unnamed
      var name = null;
      for (var j = m.ptStart[p]; j < m.ptStart[p + 1]; j++) {
        if (m.vis[m.ptEvents[j]]) { name = D.places[m.evPlace[m.ptEvents[j]]][1]; break; }
      }
      if (!name) continue;
      var x = this.symX[s] + this.symR[s] + 4, y = this.symY[s];
      var w = ctx.measureText(name).width, box = [x, y - 8, x + w, y + 8], clash = false;
      for (var b = 0; b < boxes.length && !clash; b++) {
        var o = boxes[b];
        clash = box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3];
      }
      for (var t = 0; t < this.nSym && !clash; t++) {
        if (t === s) continue;
        var cx = Math.max(box[0], Math.min(this.symX[t], box[2])), cy = Math.max(box[1], Math.min(this.symY[t], box[3]));
        var dx = this.symX[t] - cx, dy = this.symY[t] - cy;
        clash = dx * dx + dy * dy < this.symR[t] * this.symR[t];
      }
      if (clash) continue;
      boxes.push(box);
      ctx.strokeText(name, x, y);
      ctx.fillText(name, x, y);
    }
  };

  GeomapView.prototype.drawArcs = function (ctx, v) {
    var m = this.model, colors = this.D.colors, s = v.scale, nPt = m.nPt;
    // Routes are merged per pair of drawn symbols, and only the busiest MAX_ARCS are drawn:
    // thousands of individual arcs would be both slow and unreadable.
    var agg = new Map(), routes = [], i;
    for (i = 0; i < m.arcs.length; i++) {
      var a = m.arcs[i];
      var so = this.pointSym[a.o], sd = this.pointSym[a.d];
      if (so >= 0 && so === sd) continue;
      var ko = so >= 0 ? so : nPt + a.o, kd = sd >= 0 ? sd : nPt + a.d;
      var key = ko * 2 * nPt + kd, r = agg.get(key);
      if (!r) { r = { so: so, sd: sd, o: a.o, d: a.d, n: 0, arcs: [], type: a.type, key: key }; agg.set(key, r); routes.push(r); }
      r.n += a.events.length;
      r.arcs.push(a);
    }
    routes.sort(function (x, y) { return y.n - x.n || x.key - y.key; });
    this.routeTotal = routes.length;
    var out = [];
    // many routes: draw them thin and translucent so the symbols stay readable
    var busy = routes.length > 40, alpha = busy ? 0.4 : 0.9;
    for (i = 0; i < routes.length && out.length < MAX_ARCS; i++) {
      var rt = routes[i];
      var x0 = rt.so >= 0 ? this.symX[rt.so] : m.px[rt.o] * s - v.ox, y0 = rt.so >= 0 ? this.symY[rt.so] : m.py[rt.o] * s - v.oy;
      var x1 = rt.sd >= 0 ? this.symX[rt.sd] : m.px[rt.d] * s - v.ox, y1 = rt.sd >= 0 ? this.symY[rt.sd] : m.py[rt.d] * s - v.oy;
      var dx = x1 - x0, dy = y1 - y0, len = Math.sqrt(dx * dx + dy * dy);
      if (len < 4) continue;
      if (Math.max(x0, x1) < -len || Math.min(x0, x1) > v.w + len || Math.max(y0, y1) < -len || Math.min(y0, y1) > v.h + len) continue;
      var cx = (x0 + x1) / 2 - dy * 0.22, cy = (y0 + y1) / 2 + dx * 0.22;
      var rEnd = rt.sd >= 0 ? this.symR[rt.sd] + 2 : 3;
      var ex = x1 - cx, ey = y1 - cy, el2 = Math.sqrt(ex * ex + ey * ey) || 1;
      var tx = x1 - ex / el2 * rEnd, ty = y1 - ey / el2 * rEnd;
      var color = colors[rt.type];
      ctx.globalAlpha = alpha;
      ctx.strokeStyle = color; ctx.fillStyle = color;
      ctx.lineWidth = busy ? Math.min(4, 1 + 0.6 * Math.log(rt.n)) : Math.min(6, 2 + Math.log(rt.n));
      ctx.beginPath(); ctx.moveTo(x0, y0); ctx.quadraticCurveTo(cx, cy, tx, ty); ctx.stroke();
      var ux = ex / el2, uy = ey / el2, AL = 11, AW = 6;
      ctx.beginPath();
      ctx.moveTo(tx, ty);
      ctx.lineTo(tx - ux * AL - uy * AW, ty - uy * AL + ux * AW);
      ctx.lineTo(tx - ux * AL + uy * AW, ty - uy * AL - ux * AW);
      ctx.closePath(); ctx.fill();
      if (rt.so < 0) {
        ctx.beginPath(); ctx.arc(x0, y0, 4, 0, 2 * Math.PI);
        ctx.fillStyle = '#fff'; ctx.fill(); ctx.lineWidth = 2; ctx.stroke();
      }
      ctx.globalAlpha = 1;
      out.push({ route: rt, g: [x0, y0, cx, cy, tx, ty] });
    }
    this.drawnArcs = out;
    if (this.arcNote) {
      this.arcNote.textContent = routes.length > out.length
        ? 'Showing the ' + out.length + ' busiest of ' + routes.length + ' movement routes in view' : '';
    }
  };

  GeomapView.prototype.toView = function (cp) {
    var v = this.layer.view;
    return { x: cp.x + v.padX, y: cp.y + v.padY };
  };
  GeomapView.prototype.symbolAt = function (cp) {
    var q = this.toView(cp);
    for (var s = this.nSym - 1; s >= 0; s--) {
      var dx = this.symX[s] - q.x, dy = this.symY[s] - q.y, r = this.symR[s] + 3;
      if (dx * dx + dy * dy <= r * r) return s;
    }
    return -1;
  };
  GeomapView.prototype.arcAt = function (cp) {
    var q = this.toView(cp), best = null, bestD = 36;
    this.drawnArcs.forEach(function (d) {
      var g = d.g;
      for (var k = 0; k <= 20; k++) {
        var t = k / 20, u = 1 - t;
        var x = u * u * g[0] + 2 * u * t * g[2] + t * t * g[4], y = u * u * g[1] + 2 * u * t * g[3] + t * t * g[5];
        var dd = (x - q.x) * (x - q.x) + (y - q.y) * (y - q.y);
        if (dd < bestD) { bestD = dd; best = d.route; }
      }
    });
    return best;
  };
  GeomapView.prototype.onMove = function (e) {
    var s = this.symbolAt(e.containerPoint);
    var hit = s >= 0 || this.arcAt(e.containerPoint) !== null;
    var c = this.map.getContainer();
    if (hit) L.DomUtil.addClass(c, 'geomap-hover'); else L.DomUtil.removeClass(c, 'geomap-hover');
    if (s === this.tipSym) return;
    this.tipSym = s;
    if (this.tip) { this.map.closeTooltip(this.tip); this.tip = null; }
    if (s < 0) return;
    var pts = this.membersOf(s), D = this.D, m = this.model;
    var first = -1;
    for (var j = m.ptStart[pts[0]]; j < m.ptStart[pts[0] + 1]; j++) if (m.vis[m.ptEvents[j]]) { first = m.ptEvents[j]; break; }
    var label = first >= 0 ? D.places[m.evPlace[first]][1] : '';
    if (pts.length > 1) label += ' and ' + (pts.length - 1) + ' more places';
    label += ' \u00b7 ' + this.symN[s] + (this.symN[s] === 1 ? ' event' : ' events');
    var v = this.layer.view;
    this.tip = L.tooltip({ direction: 'top', offset: [0, -this.symR[s]], className: 'geomap-tip' })
      .setLatLng(this.map.containerPointToLatLng([this.symX[s] - v.padX, this.symY[s] - v.padY]))
      .setContent(el('span', null, label));
    this.map.openTooltip(this.tip);
  };
  GeomapView.prototype.membersOf = function (s) {
    var out = [];
    for (var p = this.symHead[s]; p >= 0; p = this.memNext[p]) out.push(p);
    return out.reverse();
  };
  GeomapView.prototype.onClick = function (e) {
    var s = this.symbolAt(e.containerPoint);
    if (s >= 0) {
      var pts = this.membersOf(s), map = this.map;
      if (pts.length > 1 && map.getZoom() < this.maxZoom) {
        var m = this.model;
        var b = L.latLngBounds(pts.map(function (p) { return [m.D.points.lat[p], m.D.points.lon[p]]; }));
        var z = map.getBoundsZoom(b.pad(0.3));
        // a few levels at a time: jumping straight to street level loses all context offline
        if (z > map.getZoom()) {
          map.flyToBounds(b.pad(0.3), { maxZoom: Math.min(this.maxZoom, map.getZoom() + 4), duration: 0.4 });
          return;
        }
      }
      var v = this.layer.view;
      var ll = map.containerPointToLatLng([this.symX[s] - v.padX, this.symY[s] - v.padY]);
      this.openPopup(ll, this.pointsContent(pts));
      return;
    }
    var arc = this.arcAt(e.containerPoint);
    if (arc) this.openPopup(e.latlng, this.arcContent(arc));
  };
  GeomapView.prototype.openPopup = function (latlng, node) {
    this.popup = L.popup({ maxWidth: 380, minWidth: 240, maxHeight: 360, autoPanPadding: [20, 20] })
      .setLatLng(latlng).setContent(node).openOn(this.map);
  };

  /* ---------------- popups ---------------- */
  GeomapView.prototype.placeLine = function (pl) {
    var p = this.D.places[pl], parts = [];
    if (p[3]) parts.push(p[3]);
    if (p[2]) parts.push(p[2]);
    return parts.join(', ');
  };
  GeomapView.prototype.pointsContent = function (pts) {
    var self = this, m = this.model, root = el('div', 'geomap-popup');
    var byPlace = new Map();
    pts.forEach(function (p) {
      for (var j = m.ptStart[p]; j < m.ptStart[p + 1]; j++) {
        var e = m.ptEvents[j];
        if (!m.vis[e]) continue;
        var pl = m.evPlace[e];
        if (!byPlace.has(pl)) byPlace.set(pl, []);
        byPlace.get(pl).push(e);
      }
    });
    var total = 0, items = [];
    byPlace.forEach(function (evs, pl) {
      total += evs.length;
      items.push({ place: pl, n: evs.length });
      self.sortEvents(evs).forEach(function (e) { items.push({ e: e }); });
    });
    if (byPlace.size > 1) root.appendChild(el('div', 'geomap-place-sub', total + ' events at ' + byPlace.size + ' places'));
    this.appendItems(root, items);
    return root;
  };
  GeomapView.prototype.arcContent = function (route) {
    var m = this.model, D = this.D, root = el('div', 'geomap-popup'), evs = [];
    var origins = new Set(), dests = new Set();
    route.arcs.forEach(function (a) {
      a.events.forEach(function (e) { evs.push(e); origins.add(D.places[m.origin[e]][1]); dests.add(D.places[m.evPlace[e]][1]); });
    });
    var name = function (set) { var a = Array.from(set); return a.length === 1 ? a[0] : a.length + ' places'; };
    root.appendChild(el('div', 'geomap-place', name(origins) + ' \u2192 ' + name(dests)));
    root.appendChild(el('div', 'geomap-place-sub', evs.length + (evs.length === 1 ? ' movement' : ' movements')));
    this.appendItems(root, this.sortEvents(evs).map(function (e) { return { e: e }; }));
    return root;
  };
  GeomapView.prototype.sortEvents = function (evs) {
    var m = this.model;
    if (evs.length > 2000) return evs;
    return evs.sort(function (a, b) {
      var da = m.evDay[a], db = m.evDay[b];
      if (da !== db) { if (da !== da) return 1; if (db !== db) return -1; return da - db; }
      return m.evKind[a] - m.evKind[b] || a - b;
    });
  };
  GeomapView.prototype.appendItems = function (root, items) {
    // items are place headers ({place, n}) and events ({e}); PAGE events are shown at a time
    var self = this, shown = 0, btn = null, left = 0;
    items.forEach(function (it) { if (it.e !== undefined) left++; });
    var box = el('div');
    root.appendChild(box);
    function more() {
      var n = 0;
      while (shown < items.length && n < PAGE) {
        var it = items[shown++];
        if (it.e !== undefined) { box.appendChild(self.eventNode(it.e)); n++; left--; continue; }
        box.appendChild(el('div', 'geomap-place', self.D.places[it.place][1]));
        var sub = self.placeLine(it.place);
        box.appendChild(el('div', 'geomap-place-sub', (sub ? sub + ' \u00b7 ' : '') + it.n + (it.n === 1 ? ' event' : ' events')));
      }
      if (btn) { btn.remove(); btn = null; }
      if (left > 0) {
        btn = el('button', 'geomap-more', 'Show ' + Math.min(PAGE, left) + ' more of ' + left);
        btn.type = 'button';
        L.DomEvent.on(btn, 'click', function (ev) { L.DomEvent.stop(ev); more(); });
        root.appendChild(btn);
      }
    }
    more();
  };
  GeomapView.prototype.quoteNode = function (qi) {
    var D = this.D, text = D.q.text[qi], spans = D.q.span[qi], bq = el('blockquote');
    var marks = [];
    for (var i = 0; i + 1 < spans.length; i += 2) marks.push([spans[i], spans[i] + spans[i + 1]]);
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var pos = 0;
    marks.forEach(function (mk) {
      var s = Math.max(mk[0], pos), e = Math.min(mk[1], text.length);
      if (e <= s) return;
      if (s > pos) bq.appendChild(document.createTextNode(text.slice(pos, s)));
      bq.appendChild(el('mark', null, text.slice(s, e)));
      pos = e;
    });
    if (pos < text.length) bq.appendChild(document.createTextNode(text.slice(pos)));
    return bq;
  };
  GeomapView.prototype.eventNode = function (e) {
    var D = this.D, m = this.model, strs = D.strs;
    var node = el('div', 'geomap-ev');
    var kind = D.kinds[m.evKind[e]], t = kind[0];
    var head = el('div', 'geomap-ev-head');
    var sw = el('span', 'geomap-swatch'); sw.style.background = D.colors[t];
    head.appendChild(sw);
    head.appendChild(el('span', null, D.types[t] + (kind[1] ? ' \u00b7 ' + kind[1] : '')));
    if (m.evModality[e]) head.appendChild(el('span', 'geomap-badge', D.modalities[m.evModality[e]]));
    node.appendChild(head);
    var meta = [];
    var di = D.ev.date[e];
    if (di >= 0) {
      var dp = D.dates[di][1];
      meta.push(dateText(D.dates[di][0], dp >= 0 ? D.datePrecisions[dp] : null));
    } else meta.push('undated');
    var site = D.sites[D.ev.site[e]];
    var loc = D.places[site[0]][1] + ' \u2014 ' + D.precisions[site[1]];
    if (site[2] >= 0) loc += ', ' + strs[site[2]];
    meta.push(loc);
    node.appendChild(el('div', 'geomap-meta', meta.join(' \u00b7 ')));
    if (m.origin[e] !== undefined) node.appendChild(el('div', 'geomap-meta', 'From ' + D.places[m.origin[e]][1]));
    var aset = m.evAset[e];
    if (aset >= 0) {
      var a = D.actorSets[aset], names = [];
      for (var j = 0; j < a.length; j += 2) names.push(strs[a[j]] + (strs[a[j + 1]] ? ' (' + strs[a[j + 1]] + ')' : ''));
      node.appendChild(el('div', 'geomap-meta', 'Actors: ' + names.join(', ')));
    }
    for (var qi = m.qStart[e]; qi < m.qStart[e + 1]; qi++) {
      node.appendChild(this.quoteNode(qi));
      var doc = D.docs[D.q.doc[qi]];
      var src = el('div', 'geomap-src');
      var srcName = doc[1] >= 0 ? strs[doc[1]] : strs[doc[0]];
      var url = doc[2] >= 0 ? strs[doc[2]] : null, href = safeHref(url);
      if (href) {
        var link = el('a', null, srcName);
        link.href = href; link.target = '_blank'; link.rel = 'noopener noreferrer nofollow';
        src.appendChild(document.createTextNode('Source: '));
        src.appendChild(link);
      } else {
        src.appendChild(document.createTextNode('Source: ' + srcName + (url ? ' (' + url + ')' : '')));
      }
      if (doc[1] >= 0) src.appendChild(document.createTextNode(' \u00b7 ' + strs[doc[0]]));
      node.appendChild(src);
    }
    node.appendChild(el('div', 'geomap-meta', 'Confidence ' + D.ev.conf[e] + '%'));
    return node;
  };

  /* ---------------- legend, filters, time, search ---------------- */
  GeomapView.prototype.buildLegend = function (opts) {
    var self = this;
    var Legend = L.Control.extend({
      options: { position: 'topright' },
      onAdd: function () { return self.legendNode(opts); }
    });
    var ctl = new Legend();
    ctl.addTo(this.map);
    return ctl;
  };
  GeomapView.prototype.legendNode = function (opts) {
    var self = this, D = this.D, m = this.model;
    var root = el('div', 'geomap-legend');
    if (this.map.getSize().x < 720) root.classList.add('geomap-compact');
    L.DomEvent.disableClickPropagation(root);
    L.DomEvent.disableScrollPropagation(root);
    var head = el('div', 'geomap-head');
    head.appendChild(el('div', 'geomap-title', D.title));
    var col = el('button', 'geomap-collapse', '\u2212');
    col.type = 'button'; col.title = 'Hide or show the legend';
    col.addEventListener('click', function () {
      var c = root.classList.toggle('geomap-collapsed');
      col.textContent = c ? '+' : '\u2212';
    });
    head.appendChild(col);
    root.appendChild(head);
    var body = el('div', 'geomap-body');
    root.appendChild(body);
    this.summaryNode = el('div', 'geomap-summary');
    body.appendChild(this.summaryNode);
    this.arcNote = el('div', 'geomap-summary');
    body.appendChild(this.arcNote);
    var search = el('input');
    search.type = 'search'; search.placeholder = 'Search places or actors'; search.className = 'geomap-search';
    var timer = null;
    search.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { m.setQuery(search.value); self.refresh(); }, 120);
    });
    search.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter') { clearTimeout(timer); m.setQuery(search.value); self.refresh(); self.fitVisible(); }
    });
    body.appendChild(search);
    this.typeRows = [];
    this.kindRows = [];
    var types = el('div', 'geomap-types');
    D.types.forEach(function (name, t) {
      var kinds = [];
      D.kinds.forEach(function (k, ki) { if (k[0] === t) kinds.push(ki); });
      var row = el('div', 'geomap-row');
      var btn = el('button', 'geomap-toggle');
      btn.type = 'button';
      btn.setAttribute('aria-pressed', 'true');
      btn.dataset.type = String(t);
      var sw = el('span', 'geomap-swatch'); sw.style.background = D.colors[t];
      btn.appendChild(sw);
      btn.appendChild(el('span', 'geomap-name', name));
      var cnt = el('span', 'geomap-count');
      btn.appendChild(cnt);
      btn.addEventListener('click', function () {
        var on = kinds.some(function (ki) { return !m.kindOn[ki]; });
        kinds.forEach(function (ki) { m.kindOn[ki] = on ? 1 : 0; });
        self.refresh();
      });
      var exp = el('button', 'geomap-expand', kinds.length > 1 || D.kinds[kinds[0]][1] ? '\u25b8' : '');
      exp.type = 'button'; exp.title = 'Sub-types';
      row.appendChild(exp);
      row.appendChild(btn);
      types.appendChild(row);
      var subs = el('div', 'geomap-subs');
      subs.hidden = true;
      exp.addEventListener('click', function () {
        subs.hidden = !subs.hidden;
        exp.textContent = subs.hidden ? '\u25b8' : '\u25be';
      });
      kinds.forEach(function (ki) {
        var sb = el('button', 'geomap-toggle');
        sb.type = 'button'; sb.setAttribute('aria-pressed', 'true'); sb.dataset.kind = String(ki);
        var ssw = el('span', 'geomap-swatch'); ssw.style.background = D.colors[t];
        sb.appendChild(ssw);
        sb.appendChild(el('span', 'geomap-name', D.kinds[ki][1] || '(no sub-type)'));
        var sc = el('span', 'geomap-count');
        sb.appendChild(sc);
        sb.addEventListener('click', function () { m.kindOn[ki] = m.kindOn[ki] ? 0 : 1; self.refresh(); });
        var r = el('div', 'geomap-row'); r.appendChild(sb); subs.appendChild(r);
        self.kindRows.push({ kind: ki, btn: sb, count: sc });
      });
      types.appendChild(subs);
      self.typeRows.push({ type: t, kinds: kinds, btn: btn, count: cnt });
    });
    body.appendChild(types);
    if (m.minDay <= m.maxDay && m.maxDay > m.minDay) {
      var time = el('div', 'geomap-section geomap-time');
      var lbl = el('div', 'geomap-range-label');
      var lFrom = el('span'), lTo = el('span');
      lbl.appendChild(lFrom); lbl.appendChild(lTo);
      time.appendChild(lbl);
      var bars = el('canvas', 'geomap-hist');
      bars.width = 240; bars.height = 34;
      bars.setAttribute('aria-hidden', 'true');
      time.appendChild(bars);
      this.histCanvas = bars;
      var rFrom = el('input'), rTo = el('input');
      [rFrom, rTo].forEach(function (r) {
        r.type = 'range'; r.min = String(m.minDay); r.max = String(m.maxDay); r.step = '1';
      });
      rFrom.value = String(m.minDay); rTo.value = String(m.maxDay);
      rFrom.className = 'geomap-from'; rTo.className = 'geomap-to';
      rFrom.setAttribute('aria-label', 'From date'); rTo.setAttribute('aria-label', 'To date');
      var showDates = function () { lFrom.textContent = isoDay(m.dayFrom); lTo.textContent = isoDay(m.dayTo); };
      var pending = false;
      var onRange = function () {
        var a = +rFrom.value, b = +rTo.value;
        m.dayFrom = Math.min(a, b); m.dayTo = Math.max(a, b);
        showDates();
        if (!pending) { pending = true; requestAnimationFrame(function () { pending = false; self.refresh(); }); }
      };
      rFrom.addEventListener('input', onRange); rTo.addEventListener('input', onRange);
      time.appendChild(rFrom); time.appendChild(rTo);
      showDates();
      if (m.undated) {
        var chk = el('label', 'geomap-check');
        var box = el('input'); box.type = 'checkbox'; box.checked = true;
        box.addEventListener('change', function () { m.showUndated = box.checked; self.refresh(); });
        chk.appendChild(box); chk.appendChild(document.createTextNode('Include ' + m.undated + ' undated'));
        time.appendChild(chk);
      }
      body.appendChild(time);
    }
    if (m.nonAsserted) {
      var na = el('label', 'geomap-check geomap-section');
      var nab = el('input'); nab.type = 'checkbox'; nab.checked = true;
      nab.addEventListener('change', function () { m.showNonAsserted = nab.checked; self.refresh(); });
      na.appendChild(nab);
      na.appendChild(document.createTextNode('Include ' + m.nonAsserted + ' not asserted (negated, hypothetical, future)'));
      body.appendChild(na);
    }
    return root;
  };
  GeomapView.prototype.updateCounts = function () {
    var m = this.model;
    this.typeRows.forEach(function (r) {
      var n = 0, on = false;
      r.kinds.forEach(function (ki) { n += m.kindCount[ki]; if (m.kindOn[ki]) on = true; });
      r.count.textContent = String(n);
      r.btn.setAttribute('aria-pressed', on ? 'true' : 'false');
    });
    this.kindRows.forEach(function (r) {
      r.count.textContent = String(m.kindCount[r.kind]);
      r.btn.setAttribute('aria-pressed', m.kindOn[r.kind] ? 'true' : 'false');
    });
    this.summaryNode.textContent = m.visible + ' of ' + m.N + ' events shown';
    this.drawHistogram();
  };
  GeomapView.prototype.drawHistogram = function () {
    var m = this.model, c = this.histCanvas;
    if (!c || !m.hist) return;
    var ctx = c.getContext('2d'), n = m.hist.length, max = 1, i;
    for (i = 0; i < n; i++) if (m.hist[i] > max) max = m.hist[i];
    ctx.clearRect(0, 0, c.width, c.height);
    var w = c.width / n, span = m.maxDay - m.minDay + 1;
    for (i = 0; i < n; i++) {
      if (!m.hist[i]) continue;
      var d0 = m.minDay + i * span / n, d1 = m.minDay + (i + 1) * span / n - 1;
      ctx.fillStyle = (d1 >= m.dayFrom && d0 <= m.dayTo) ? '#3b78b8' : '#c9cdd2';
      var h = Math.max(2, Math.round((c.height - 2) * m.hist[i] / max));
      ctx.fillRect(i * w + 0.5, c.height - h, Math.max(1, w - 1), h);
    }
  };
  GeomapView.prototype.refresh = function () {
    if (this.tip) { this.map.closeTooltip(this.tip); this.tip = null; this.tipSym = -1; }
    this.model.recompute();
    this.updateCounts();
    this.map.closePopup();
    this.layer.redraw();
  };
  GeomapView.prototype.fitVisible = function () {
    var m = this.model, b = null;
    for (var p = 0; p < m.nPt; p++) {
      if (!m.ptCount[p]) continue;
      var ll = L.latLng(m.D.points.lat[p], m.D.points.lon[p]);
      if (b) b.extend(ll); else b = L.latLngBounds(ll, ll);
    }
    if (b) this.map.fitBounds(b.pad(0.1), { maxZoom: Math.min(this.maxZoom, 10) });
  };

  /* ---------------- hooks for tests, benchmarks and PNG export ---------------- */
  GeomapView.prototype.api = function () {
    var self = this, m = this.model;
    return {
      view: self,
      visibleEvents: function () { var out = []; for (var i = 0; i < m.N; i++) if (m.vis[i]) out.push(i); return out; },
      drawnEvents: function () {
        var out = [];
        for (var s = 0; s < self.nSym; s++) {
          for (var p = self.symHead[s]; p >= 0; p = self.memNext[p]) {
            for (var j = m.ptStart[p]; j < m.ptStart[p + 1]; j++) if (m.vis[m.ptEvents[j]]) out.push(m.ptEvents[j]);
          }
        }
        return out.sort(function (a, b) { return a - b; });
      },
      drawnCount: function () { return self.drawnEvents; },
      symbolCount: function () { return self.nSym; },
      arcCount: function () { return self.drawnArcs.length; },
      lastRedrawMs: function () { return self.layer.lastMs; },
      pointOfPlace: function (name) {
        for (var pl = 0; pl < m.D.places.length; pl++) {
          if (m.D.places[pl][1] !== name) continue;
          var s = self.pointSym[m.placePoint[pl]];
          if (s < 0) return null;
          var v = self.layer.view;
          return { x: self.symX[s] - v.padX, y: self.symY[s] - v.padY };
        }
        return null;
      },
      firstSymbol: function () {
        if (!self.nSym) return null;
        var v = self.layer.view;
        return { x: self.symX[0] - v.padX, y: self.symY[0] - v.padY };
      },
      redraw: function () { self.layer.redraw(); return self.layer.lastMs; },
      openArc: function (i) {
        var d = self.drawnArcs[i];
        var ll = self.map.containerPointToLatLng([d.g[2] - self.layer.view.padX, d.g[3] - self.layer.view.padY]);
        self.openPopup(ll, self.arcContent(d.route));
      },
      openSymbol: function (s) {
        var v = self.layer.view;
        var ll = self.map.containerPointToLatLng([self.symX[s] - v.padX, self.symY[s] - v.padY]);
        self.openPopup(ll, self.pointsContent(self.membersOf(s)));
        return self.map.getContainer().querySelectorAll('.leaflet-popup-content .geomap-ev').length;
      }
    };
  };

  function init(map, dataId, baseId) {
    var D = JSON.parse(document.getElementById(dataId).textContent);
    var baseEl = baseId ? document.getElementById(baseId) : null;
    var B = baseEl ? JSON.parse(baseEl.textContent) : null;
    var o = D.view || {};
    map.setView([20, 10], 2, { animate: false });
    var view = new GeomapView(map, D, B, o);
    if (o.bounds) {
      // keep the events clear of the legend when the map is wide enough to afford it
      var lw = view.legend.getContainer().offsetWidth + 20, size = map.getSize();
      var right = size.x > 2.5 * lw ? lw : 30;
      map.fitBounds(o.bounds, { paddingTopLeft: [40, 40], paddingBottomRight: [right, 40],
                                maxZoom: o.fitMaxZoom || 8, animate: false });
    }
    var api = view.api();
    window.geomapMaps = window.geomapMaps || [];
    window.geomapMaps.push(api);
    window.geomapReady = true;
    window.geomapReadyAt = performance.now();
    map.getContainer().setAttribute('data-geomap-ready', 'true');
    return api;
  }

  window.geomap = { init: init };
})();
