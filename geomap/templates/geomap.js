/* geomap map runtime: draws the packed events (see geomap/render/data.py) on a canvas.
 * Every piece of data reaches the DOM through textContent / createElement / properties,
 * never through innerHTML, so news text cannot become markup or code. Text from the
 * news (names, quotes, sources) sits in <bdi> elements so that bidirectional control
 * characters in it cannot reorder the page's own words around it. */
(function () {
  'use strict';
  var MAXLAT = 85.0511287798;
  var CELL = 46;
  var PAD = 0.15;
  var DAY_MS = 86400000;
  var PAGE = 25;
  var TABLE_PAGE = 200;
  var MAX_ARCS = 400;
  var NARROW = 600;
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  var STATUS = {
    labels: ['unchanged', 'added', 'removed', 'changed'],
    colors: ['#9a9a9a', '#009e73', '#d55e00', '#e69f00'],
    shapes: ['circle', 'triangle', 'triangle-down', 'diamond']
  };
  var CSV_COLUMNS = ['event_id', 'event_type', 'sub_event_type', 'date', 'date_precision', 'place_name',
    'place_id', 'lat', 'lon', 'country_code', 'admin1_name', 'location_precision', 'region',
    'origin_name', 'origin_lat', 'origin_lon', 'actors', 'quotes', 'sources', 'doc_ids',
    'confidence', 'modality'];
  var CSV_NUMERIC = { lat: 1, lon: 1, origin_lat: 1, origin_lon: 1, confidence: 1 };

  function projX(lon) { return (lon + 180) / 360 * 256; }
  function projY(lat) {
    lat = Math.max(-MAXLAT, Math.min(MAXLAT, lat));
    var s = Math.sin(lat * Math.PI / 180);
    return (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * 256;
  }
  function isoDay(day) { return new Date(day * DAY_MS).toISOString().slice(0, 10); }
  function parseDay(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || '');
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY_MS : null;
  }
  function dateText(day, precision) {
    var iso = isoDay(day);
    if (precision === 'year') return iso.slice(0, 4) + ' (year)';
    if (precision === 'month') return iso.slice(0, 7) + ' (month)';
    if (precision === 'week') return 'week of ' + iso;
    return iso + (precision ? ' (' + precision + ')' : '');
  }
  /* the last day a date of this precision may mean: a week, a month or a year is a span */
  function spanEnd(day, precision) {
    if (precision === 'week') return day + 6;
    if (precision === 'month' || precision === 'year') {
      var d = new Date(day * DAY_MS), y = d.getUTCFullYear();
      return (precision === 'month' ? Date.UTC(y, d.getUTCMonth() + 1, 1) : Date.UTC(y + 1, 0, 1)) / DAY_MS - 1;
    }
    return day;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  /* user text, isolated from the surrounding words' direction */
  function bdi(text) { return el('bdi', null, text); }
  /* an element from parts: strings are the page's own words, {u: text} is user text */
  function rich(tag, cls, parts) {
    var e = el(tag, cls);
    parts.forEach(function (p) {
      if (p === null || p === undefined) return;
      if (typeof p === 'string') e.appendChild(document.createTextNode(p));
      else if (p.nodeType) e.appendChild(p);
      else e.appendChild(bdi(p.u));
    });
    return e;
  }
  function button(cls, text, title) {
    var b = el('button', cls, text);
    b.type = 'button';
    if (title) { b.title = title; b.setAttribute('aria-label', title); }
    return b;
  }
  function safeHref(url) {
    if (typeof url !== 'string') return null;
    var u;
    try { u = new URL(url); } catch (err) { return null; }
    return (u.protocol === 'http:' || u.protocol === 'https:') ? u.href : null;
  }
  function radius(n) { return Math.min(30, 6 + 2.6 * Math.log(n)); }

  /* A column of integers from data.py's pack_column: a constant, runs of values, or base64
   * little-endian of 8, 16, 24 or 32 bits */
  function column(c, n) {
    var out, i, k;
    if (c.c !== undefined) { out = new Int32Array(n); if (c.c) out.fill(c.c); return out; }
    if (c.r) {
      var vals = column(c.r, c.nr), lens = column(c.l, c.nr), at = 0;
      out = new Int32Array(n);
      for (i = 0; i < c.nr; i++) { var v = vals[i], end = at + lens[i]; for (k = at; k < end; k++) out[k] = v; at = end; }
      return out;
    }
    var bytes;
    if (typeof Uint8Array.fromBase64 === 'function') bytes = Uint8Array.fromBase64(c.b);
    else {
      var bin = atob(c.b), len = bin.length;
      bytes = new Uint8Array(len);
      for (i = 0; i < len; i++) bytes[i] = bin.charCodeAt(i);
    }
    var shift = c.o === 0 ? 0 : 1;
    if (c.t === 'u24') {
      out = new Int32Array(n);
      for (i = 0, k = 0; i < n; i++, k += 3) out[i] = (bytes[k] | bytes[k + 1] << 8 | bytes[k + 2] << 16) - shift;
      return out;
    }
    var arr = c.t === 'u8' ? bytes : c.t === 'u16' ? new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1)
      : new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
    // values stored as is are read straight from the decoded bytes (no copy)
    if (!shift) return arr.length === n ? arr : arr.subarray(0, n);
    out = new Int32Array(n);
    for (i = 0; i < n; i++) out[i] = arr[i] - 1;
    return out;
  }

  /* ---------------- writers that follow geomap/export.py byte for byte ---------------- */
  /* Python's repr() of a float */
  function pyFloat(x) {
    if (x === 0) return 1 / x < 0 ? '-0.0' : '0.0';
    var m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(x.toExponential());
    var sign = m[1], digits = m[2] + (m[3] || ''), exp = +m[4];
    if (exp < -4 || exp >= 16) {
      var a = Math.abs(exp);
      return sign + digits[0] + (digits.length > 1 ? '.' + digits.slice(1) : '') +
        'e' + (exp < 0 ? '-' : '+') + (a < 10 ? '0' : '') + a;
    }
    if (exp >= 0) {
      if (digits.length <= exp + 1) return sign + digits + new Array(exp + 2 - digits.length).join('0') + '.0';
      return sign + digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
    }
    return sign + '0.' + new Array(-exp).join('0') + digits;
  }
  /* Python's f'{x:.6f}': like toFixed(6), but an exact tie rounds to even */
  function fixed6(x) {
    var s = x.toFixed(6), t = x.toFixed(7);
    if (t.charAt(t.length - 1) !== '5') return s;
    var exact = Math.abs(x).toFixed(60), cut = exact.indexOf('.') + 7;
    if (!/^50*$/.test(exact.slice(cut))) return s;
    var trunc = (x < 0 ? '-' : '') + exact.slice(0, cut);
    return (+trunc.charAt(trunc.length - 1)) % 2 === 0 ? trunc : s;
  }
  function Raw(text) { this.text = text; }
  /* json.dumps(value, ensure_ascii=False, indent=1) */
  function pyJson(v, level) {
    if (v === null || v === undefined) return 'null';
    if (v instanceof Raw) return v.text;
    if (typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'number') return String(v);
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    var pad = '\n' + new Array(level + 2).join(' '), end = '\n' + new Array(level + 1).join(' ');
    if (Array.isArray(v)) {
      if (!v.length) return '[]';
      return '[' + pad + v.map(function (x) { return pyJson(x, level + 1); }).join(',' + pad) + end + ']';
    }
    var keys = Object.keys(v);
    if (!keys.length) return '{}';
    return '{' + pad + keys.map(function (k) { return JSON.stringify(k) + ': ' + pyJson(v[k], level + 1); })
      .join(',' + pad) + end + '}';
  }
  /* spreadsheets run cells that start with = + - @ as formulas: news text stays text */
  function csvSafe(text) { return /^[=+\-@\t\r]/.test(text) ? "'" + text : text; }
  function csvCell(text) { return /[,"\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text; }
  function uniq(list) {
    var seen = new Set(), out = [];
    list.forEach(function (x) { if (!seen.has(x)) { seen.add(x); out.push(x); } });
    return out;
  }

  /* ---------------- marker shapes (colour is never the only cue) ---------------- */
  function polygon(ctx, x, y, r, n, rot, inner) {
    var k = inner ? 2 * n : n;
    for (var i = 0; i < k; i++) {
      var a = rot + i * 2 * Math.PI / k, rr = inner && i % 2 ? r * inner : r;
      if (i === 0) ctx.moveTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
      else ctx.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
    }
    ctx.closePath();
  }
  function shapePath(ctx, shape, x, y, r) {
    ctx.beginPath();
    var up = -Math.PI / 2;
    switch (shape) {
      case 'square': ctx.rect(x - 0.88 * r, y - 0.88 * r, 1.76 * r, 1.76 * r); break;
      case 'triangle': polygon(ctx, x, y + 0.2 * r, 1.3 * r, 3, up); break;
      case 'triangle-down': polygon(ctx, x, y - 0.2 * r, 1.3 * r, 3, -up); break;
      case 'diamond': polygon(ctx, x, y, 1.25 * r, 4, up); break;
      case 'pentagon': polygon(ctx, x, y, 1.1 * r, 5, up); break;
      case 'hexagon': polygon(ctx, x, y, 1.08 * r, 6, 0); break;
      case 'star': polygon(ctx, x, y, 1.35 * r, 5, up, 0.5); break;
      case 'cross':
        var t = 0.38 * r, R = 1.05 * r;
        ctx.moveTo(x - t, y - R); ctx.lineTo(x + t, y - R); ctx.lineTo(x + t, y - t); ctx.lineTo(x + R, y - t);
        ctx.lineTo(x + R, y + t); ctx.lineTo(x + t, y + t); ctx.lineTo(x + t, y + R); ctx.lineTo(x - t, y + R);
        ctx.lineTo(x - t, y + t); ctx.lineTo(x - R, y + t); ctx.lineTo(x - R, y - t); ctx.lineTo(x - t, y - t);
        ctx.closePath(); break;
      default: ctx.arc(x, y, r, 0, 2 * Math.PI);
    }
  }
  /* a small legend / popup swatch: the shape in its colour, hollow when ``hollow`` */
  function swatch(color, shape, size, hollow) {
    var c = el('canvas', 'geomap-swatch');
    var dpr = window.devicePixelRatio || 1;
    c.width = Math.round(size * dpr); c.height = Math.round(size * dpr);
    c.style.width = size + 'px'; c.style.height = size + 'px';
    c.setAttribute('data-shape', shape);
    c.setAttribute('aria-hidden', 'true');
    var ctx = c.getContext('2d');
    ctx.scale(dpr, dpr);
    shapePath(ctx, shape, size / 2, size / 2, size * 0.36);
    if (hollow) { ctx.lineWidth = 2; ctx.strokeStyle = color; ctx.fillStyle = '#fff'; ctx.fill(); ctx.stroke(); }
    else { ctx.fillStyle = color; ctx.fill(); ctx.lineWidth = 0.8; ctx.strokeStyle = 'rgba(0,0,0,0.5)'; ctx.stroke(); }
    return c;
  }

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
  /* land and borders come as SVG path text in zoom-0 world pixels times B.scale (see
   * geomap/render/basemap.py): one Path2D each, parsed natively */
  function makeBasemap(B) {
    var land = new Path2D(B.land), borders = new Path2D(B.borders), unit = 1 / B.scale;
    var labels = B.labels.map(function (c) {
      return { name: c[0], x: projX(c[2]), y: projY(c[1]), w: c[3] / 360 * 256 };
    });
    var widths = {};
    return function draw(ctx, v) {
      var s = v.scale, k = s * unit;
      ctx.setTransform(k * v.dpr, 0, 0, k * v.dpr, -v.ox * v.dpr, -v.oy * v.dpr);
      ctx.fillStyle = '#f3f0e8';
      ctx.fill(land, 'nonzero');
      ctx.lineWidth = 0.8 / k;
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
    var N = this.N = ev.n;
    var nPt = this.nPt = D.points.lat.length;
    this.px = new Float64Array(nPt); this.py = new Float64Array(nPt);
    for (i = 0; i < nPt; i++) { this.px[i] = projX(D.points.lon[i]); this.py[i] = projY(D.points.lat[i]); }
    // tables shipped as columns (data.py): places, sites, documents
    var P = D.places, nPl = P.n;
    this.placePoint = column(P.point, nPl);
    this.plName = column(P.name, nPl); this.plCountry = column(P.country, nPl); this.plAdmin1 = column(P.admin1, nPl);
    this.plId = column(P.id, nPl); this.plCc = column(P.cc, nPl);
    this.plAliases = new Map(P.aliases);
    this._placeRows = new Array(nPl);
    var S = D.sites, nS = S.n;
    var sitePlace = this.sitePlace = column(S.place, nS), sitePrec = this.sitePrec = column(S.prec, nS);
    this.siteRegion = column(S.region, nS);
    var siteCoarse = this.siteCoarse = new Uint8Array(nS), sitePoint = this.sitePoint = new Int32Array(nS);
    var coarsePrec = D.precisions.map(function (p) { return p === 'country' || p === 'region' ? 1 : 0; });
    for (i = 0; i < nS; i++) { siteCoarse[i] = coarsePrec[sitePrec[i]]; sitePoint[i] = this.placePoint[sitePlace[i]]; }
    var DC = D.docs;
    this.docId = column(DC.id, DC.n); this.docSource = column(DC.source, DC.n); this.docUrl = column(DC.url, DC.n);
    this.kindType = new Int32Array(D.kinds.length);
    for (i = 0; i < D.kinds.length; i++) this.kindType[i] = D.kinds[i][0];
    var nD = D.dates.length, dayOf = new Float64Array(nD), endOf = new Float64Array(nD), coarseOf = new Uint8Array(nD);
    for (i = 0; i < nD; i++) {
      var row = D.dates[i], p = row[1] >= 0 ? D.datePrecisions[row[1]] : null;
      dayOf[i] = row[0] === null ? NaN : row[0];
      endOf[i] = row[0] === null ? NaN : spanEnd(row[0], p);
      coarseOf[i] = p === 'month' || p === 'year' ? 1 : 0;
    }
    this.evKind = column(ev.kind, N); this.evSite = column(ev.site, N); this.evDate = column(ev.date, N);
    // (actors, confidence and trigger are read on first use: LAZY)
    // Per-event arrays that the first drawing does not need (an event's place and point, its
    // quotes' offsets, the events of each point) are made on first use: see LAZY below.
    var pMin = Infinity, pMax = -Infinity, aMin = Infinity, aMax = -Infinity, undated = 0, coarseLoc = 0;
    var evSite = this.evSite, evDate = this.evDate;
    // per date row: is it precise (day/week), coarse (month/year) or undated
    var dateKind = new Uint8Array(nD);
    for (i = 0; i < nD; i++) dateKind[i] = dayOf[i] !== dayOf[i] ? 0 : coarseOf[i] ? 2 : 1;
    var seenDate = new Uint8Array(nD);
    for (i = 0; i < N; i++) {
      coarseLoc += siteCoarse[evSite[i]];
      var d = evDate[i];
      if (d >= 0 && dateKind[d]) seenDate[d] = 1;
      else undated++;
    }
    // the extent of the dates, from the date table rather than per event
    for (i = 0; i < nD; i++) {
      if (!seenDate[i]) continue;
      if (dayOf[i] < aMin) aMin = dayOf[i];
      if (endOf[i] > aMax) aMax = endOf[i];
      if (dateKind[i] === 1) { if (dayOf[i] < pMin) pMin = dayOf[i]; if (endOf[i] > pMax) pMax = endOf[i]; }
    }
    this.coarseLoc = coarseLoc;
    this.dayOf = dayOf; this.endOf = endOf; this.coarseOf = coarseOf;
    this.dateOk = new Uint8Array(nD); this.dateCount = new Int32Array(nD);
    this.allMin = aMin; this.allMax = aMax;
    this.preciseMin = pMin; this.preciseMax = pMax;
    this.undated = undated;
    // the axis covers the day- and week-precise dates; month and year dates are spans on it
    this.setAxis(pMin <= pMax ? pMin : aMin, pMin <= pMax ? pMax : aMax);
    // quotes: one string, cut by the lengths column
    this.nonAsserted = ev.modality.length;
    // movements: their events in ascending order, and their origin places
    this.nOrigin = ev.nOrigin;
    this.originEv = column(ev.originEv, ev.nOrigin); this.originPlace = column(ev.originPlace, ev.nOrigin);
    this.idLen = ev.idLen ? column(ev.idLen, N) : null;
    // marker groups: event types, or in a compare map the kind of change
    this.changes = D.changes || null;
    if (this.changes) {
      this.status = column(this.changes.status, N);
      this.G = STATUS.labels.length;
      this.groupColors = STATUS.colors; this.groupShapes = STATUS.shapes;
      this.evGroup = this.status;
      this.groupOfKind = null;
      this.diff = {};
      for (i = 0; i < this.changes.diff.length; i++) this.diff[this.changes.diff[i][0]] = this.changes.diff[i][1];
    } else {
      this.G = this.T;
      this.groupColors = D.colors; this.groupShapes = D.shapes;
      this.evGroup = null;  // the group is the event's type: see groupOf
      this.groupOfKind = this.kindType;
    }
    this.statusOn = new Uint8Array(STATUS.labels.length).fill(1);
    // filter state
    this.kindOn = new Uint8Array(D.kinds.length).fill(1);
    this.showNonAsserted = true;
    this.showUndated = true;
    this.query = '';
    this.evMatch = null;
    this.vis = new Uint8Array(N);
    this.ptCount = new Int32Array(nPt);
    this.ptCoarse = new Int32Array(nPt);
    this.ptGroups = new Int32Array(nPt * this.G);
    this.kindCount = new Int32Array(D.kinds.length);
    this.statusCount = new Int32Array(STATUS.labels.length);
    this.visible = 0; this.visibleCoarse = 0;
  }
  /* Arrays made on first use, each by its function (``this`` is the model); reading
   * model.NAME makes it. */
  var LAZY = {
    evPlace: function () {
      var out = new Int32Array(this.N), evSite = this.evSite, sitePlace = this.sitePlace;
      for (var i = 0; i < this.N; i++) out[i] = sitePlace[evSite[i]];
      return out;
    },
    evPoint: function () {
      var out = new Int32Array(this.N), evSite = this.evSite, sitePoint = this.sitePoint;
      for (var i = 0; i < this.N; i++) out[i] = sitePoint[evSite[i]];
      return out;
    },
    evAset: function () { return column(this.D.ev.actors, this.N); },
    evConf: function () { return column(this.D.ev.conf, this.N); },
    evTrig: function () { return column(this.D.ev.trigger, this.N); },
    evModality: function () {
      var out = new Int32Array(this.N), list = this.D.ev.modality;
      for (var i = 0; i < list.length; i++) out[list[i][0]] = list[i][1];
      return out;
    },
    // quotes: one string, cut by the lengths column
    qOff: function () {
      var Q = this.D.q, n = Q.n, len = column(Q.len, n), out = new Int32Array(n + 1);
      for (var i = 0; i < n; i++) out[i + 1] = out[i] + len[i];
      return out;
    },
    qDoc: function () { return column(this.D.q.doc, this.D.q.n); },
    qSent: function () { return column(this.D.q.sentence, this.D.q.n); },
    qSpanOff: function () {
      var Q = this.D.q, n = Q.n, out = new Int32Array(n + 1), i;
      if (Q.nspan.c !== undefined) { for (i = 0; i <= n; i++) out[i] = 2 * Q.nspan.c * i; return out; }
      var nspan = column(Q.nspan, n);
      for (i = 0; i < n; i++) out[i + 1] = out[i] + 2 * nspan[i];
      return out;
    },
    qSpan: function () { return column(this.D.q.span, this.s0(this.D.q.n)); },
    // first quote of each event: events have one quote unless listed in ev.nq
    qStart: function () {
      var out = new Int32Array(this.N + 1), extra = this.D.ev.nq, x = 0, i;
      if (!extra.length) { for (i = 0; i <= this.N; i++) out[i] = i; return out; }
      for (i = 0; i < this.N; i++) {
        var nq1 = 1;
        if (x < extra.length && extra[x][0] === i) nq1 = extra[x++][1];
        out[i + 1] = out[i] + nq1;
      }
      return out;
    },
    // the events of each point (CSR): ptEvents[ptStart[p] .. ptStart[p + 1]]
    ptStart: function () {
      var nPt = this.nPt, N = this.N, evPoint = this.evPoint, start = new Int32Array(nPt + 1), i;
      for (i = 0; i < N; i++) start[evPoint[i] + 1]++;
      for (i = 0; i < nPt; i++) start[i + 1] += start[i];
      var fill = start.slice(0, nPt), list = new Int32Array(N);
      for (i = 0; i < N; i++) list[fill[evPoint[i]]++] = i;
      Object.defineProperty(this, 'ptEvents', { value: list });
      return start;
    },
    ptEvents: function () { return this.ptStart && this.ptEvents; }
  };
  Object.keys(LAZY).forEach(function (name) {
    Object.defineProperty(Model.prototype, name, {
      get: function () {
        var value = LAZY[name].call(this);
        Object.defineProperty(this, name, { value: value });
        return value;
      }
    });
  });
  /* an event's quotes are q0(e) .. q1(e) - 1, a quote's place spans s0(qi) .. s1(qi) - 1
   * in qSpan; with one quote per event and as many spans per quote (the usual case) no
   * offsets array is made */
  Model.prototype.q0 = function (e) { return this.D.ev.nq.length ? this.qStart[e] : e; };
  Model.prototype.q1 = function (e) { return this.D.ev.nq.length ? this.qStart[e + 1] : e + 1; };
  Model.prototype.s0 = function (qi) { var c = this.D.q.nspan.c; return c !== undefined ? 2 * c * qi : this.qSpanOff[qi]; };
  Model.prototype.s1 = function (qi) { return this.s0(qi + 1); };
  /* an event's modality (index into D.modalities, 0: asserted); few events have another */
  Model.prototype.modalityOf = function (e) {
    if (!this._modality) this._modality = new Map(this.D.ev.modality);
    return this._modality.get(e) || 0;
  };
  /* a place as [point, name, country name, admin1, place id, country code, aliases?] */
  Model.prototype.place = function (pl) {
    var row = this._placeRows[pl];
    if (!row) {
      var strs = this.D.strs, sv = function (i) { return i < 0 ? null : strs[i]; };
      row = this._placeRows[pl] = [this.placePoint[pl], sv(this.plName[pl]), sv(this.plCountry[pl]),
        sv(this.plAdmin1[pl]), sv(this.plId[pl]), sv(this.plCc[pl])];
      if (this.plAliases.has(pl)) row.push(this.plAliases.get(pl));
    }
    return row;
  };
  Model.prototype.placeCount = function () { return this.placePoint.length; };
  /* a site as [place, precision, region string or -1]; a document as [id, source, url] (strings, -1 for none) */
  Model.prototype.site = function (s) { return [this.sitePlace[s], this.sitePrec[s], this.siteRegion[s]]; };
  Model.prototype.doc = function (d) { return [this.docId[d], this.docSource[d], this.docUrl[d]]; };
  /* the origin place of a movement event, -1 for others */
  Model.prototype.originOf = function (e) {
    var a = this.originEv, lo = 0, hi = this.nOrigin - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (a[mid] === e) return this.originPlace[mid];
      if (a[mid] < e) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  };
  Model.prototype.groupOf = function (e) {
    return this.evGroup !== null ? this.evGroup[e] : this.kindType[this.evKind[e]];
  };
  /* an event's first day, NaN when undated */
  Model.prototype.dayOfEvent = function (e) {
    var d = this.evDate[e];
    return d >= 0 ? this.dayOf[d] : NaN;
  };
  Model.prototype.setAxis = function (lo, hi) {
    this.minDay = lo; this.maxDay = hi;
    this.dayFrom = lo; this.dayTo = hi;
    this.hist = hi > lo ? new Int32Array(Math.min(60, hi - lo + 1)) : null;
  };
  /* where quote qi starts in D.q.text: from the full offsets when the search made them,
   * else from a sum per block of QBLOCK quotes (no million-entry array for a popup) */
  var QBLOCK = 1024;
  Model.prototype.quoteLengths = function () {
    if (!this._qLen) {
      var n = this.D.q.n, len = this._qLen = column(this.D.q.len, n);
      var nb = Math.ceil(n / QBLOCK), blocks = this._qBlock = new Float64Array(nb + 1), sum = 0;
      for (var b = 0; b < nb; b++) {
        blocks[b] = sum;
        for (var i = b * QBLOCK, end = Math.min(n, i + QBLOCK); i < end; i++) sum += len[i];
      }
      blocks[nb] = sum;
    }
    return this._qLen;
  };
  Model.prototype.quoteStart = function (qi) {
    if (Object.prototype.hasOwnProperty.call(this, 'qOff')) return this.qOff[qi];
    var len = this.quoteLengths(), b = Math.floor(qi / QBLOCK), at = this._qBlock[b];
    for (var k = b * QBLOCK; k < qi; k++) at += len[k];
    return at;
  };
  Model.prototype.quoteText = function (qi) {
    var start = this.quoteStart(qi);
    return this.D.textPart(start, this.quoteLengths()[qi]);
  };
  /* the document of quote qi: a binary search in the runs when the column ships as runs
   * (a popup needs no million-entry array) */
  Model.prototype.docOf = function (qi) {
    var c = this.D.q.doc;
    if (!c.r || Object.prototype.hasOwnProperty.call(this, 'qDoc')) return this.qDoc[qi];
    if (!this._docRuns) {
      var vals = column(c.r, c.nr), lens = column(c.l, c.nr), starts = new Int32Array(c.nr + 1);
      for (var i = 0; i < c.nr; i++) starts[i + 1] = starts[i] + lens[i];
      this._docRuns = { vals: vals, starts: starts };
    }
    var R = this._docRuns, lo = 0, hi = c.nr - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (R.starts[mid] <= qi) lo = mid; else hi = mid - 1; }
    return R.vals[lo];
  };
  /* event ids: one string cut by ev.idLen (offsets made on first use) */
  Model.prototype.idOffsets = function () {
    if (!this._idOff) {
      var off = this._idOff = new Int32Array(this.N + 1);
      for (var i = 0; i < this.N; i++) off[i + 1] = off[i] + this.idLen[i];
    }
    return this._idOff;
  };
  Model.prototype.eventId = function (e) {
    if (!this.idLen) return '';
    var off = this.idOffsets();
    return this.D.textPart(this.D.ev.idAt + off[e], off[e + 1] - off[e]);
  };
  Model.prototype.eventKey = function (e) {
    var id = this.eventId(e);
    return id ? id : '@' + e;
  };
  Model.prototype.eventByKey = function (key) {
    if (this.idLen && key) {
      var off = this.idOffsets(), ids = this.D.ev.ids, pos = ids.indexOf(key);
      while (pos >= 0) {
        // a match must be a whole id: find the event that starts there
        var lo = 0, hi = this.N - 1;
        while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (off[mid] <= pos) lo = mid; else hi = mid - 1; }
        while (lo < this.N && off[lo] === off[lo + 1]) lo++;  // skip empty ids
        if (off[lo] === pos && off[lo + 1] - pos === key.length) return lo;
        pos = ids.indexOf(key, pos + 1);
      }
    }
    var m = /^@(\d+)$/.exec(key || '');
    return m && +m[1] < this.N ? +m[1] : -1;
  };
  /* Search: place names, their other names, regions and countries; actors; the quotes
   * (so the spelling the article used finds its events, whatever the gazetteer calls it). */
  Model.prototype.setQuery = function (q) {
    var D = this.D, N = this.N, i;
    q = (q || '').trim().toLowerCase();
    this.query = q;
    if (!q) { this.evMatch = null; return; }
    if (!this._placeText) {
      var strs = D.strs;
      this._placeText = [];
      for (i = 0; i < this.placeCount(); i++) {
        var p = this.place(i);
        this._placeText.push([p[1], p[2], p[3]].concat(p[6] || []).join('\u0001').toLowerCase());
      }
      this._asetText = D.actorSets.map(function (a) {
        var out = [];
        for (var j = 0; j < a.length; j += 3) out.push(strs[a[j]]);
        return out.join('\u0001').toLowerCase();
      });
      var low = D.q.text.toLowerCase();
      this._qLow = low.length === D.q.text.length ? low : null;  // lower-casing may change lengths
    }
    var pm = new Uint8Array(this._placeText.length), am = new Uint8Array(this._asetText.length);
    for (i = 0; i < pm.length; i++) pm[i] = this._placeText[i].indexOf(q) >= 0 ? 1 : 0;
    for (i = 0; i < am.length; i++) am[i] = this._asetText[i].indexOf(q) >= 0 ? 1 : 0;
    var match = new Uint8Array(N), evPlace = this.evPlace, evAset = this.evAset;
    for (i = 0; i < N; i++) {
      var a = evAset[i];
      match[i] = pm[evPlace[i]] === 1 || (a >= 0 && am[a] === 1) ? 1 : 0;
    }
    // quotes: one scan of the whole text, each hit mapped to its quote by binary search
    var qOff = this.qOff, nQ = D.q.n, qEvent = this._qEvent;
    if (!qEvent) {
      qEvent = this._qEvent = new Int32Array(nQ);
      for (i = 0; i < N; i++) for (var k = this.qStart[i]; k < this.qStart[i + 1]; k++) qEvent[k] = i;
    }
    if (this._qLow !== null) {
      var text = this._qLow, pos = text.indexOf(q);
      while (pos >= 0) {
        var lo = 0, hi = nQ - 1;
        while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (qOff[mid] <= pos) lo = mid; else hi = mid - 1; }
        if (pos + q.length <= qOff[lo + 1]) { match[qEvent[lo]] = 1; pos = text.indexOf(q, qOff[lo + 1]); }
        else pos = text.indexOf(q, pos + 1);
      }
    } else {
      for (i = 0; i < nQ; i++) if (this.quoteText(i).toLowerCase().indexOf(q) >= 0) match[qEvent[i]] = 1;
    }
    this.evMatch = match;
  };
  Model.prototype.recompute = function () {
    var N = this.N, G = this.G, i;
    var vis = this.vis, ptCount = this.ptCount, ptGroups = this.ptGroups, kc = this.kindCount;
    var ptCoarse = this.ptCoarse, sc = this.statusCount;
    ptCount.fill(0); ptGroups.fill(0); kc.fill(0); ptCoarse.fill(0); sc.fill(0);
    var from = this.dayFrom, to = this.dayTo, undated = this.showUndated;
    var em = this.evMatch, showNA = this.showNonAsserted;
    var evKind = this.evKind, evGroup = this.evGroup, groupOfKind = this.groupOfKind;
    var evSite = this.evSite, sitePoint = this.sitePoint, siteCoarse = this.siteCoarse, kindOn = this.kindOn;
    var evMod = showNA ? null : this.evModality;
    var status = this.changes ? this.status : null, statusOn = this.statusOn;
    var visible = 0, visCoarse = 0;
    // histogram of the events every filter but the dates lets through, for the time bar;
    // month- and year-dated events are drawn as spans above it
    // Dates are filtered and counted per row of the date table (a few hundred rows), not
    // per event: an event passes if its row does, and the histogram adds up the rows.
    var dayOf = this.dayOf, endOf = this.endOf, coarseOf = this.coarseOf, nD = dayOf.length, d;
    var dateOk = this.dateOk, dateCount = this.dateCount, undOk = undated ? 1 : 0;
    dateCount.fill(0);
    for (d = 0; d < nD; d++) dateOk[d] = dayOf[d] === dayOf[d] ? (dayOf[d] <= to && endOf[d] >= from ? 1 : 0) : undOk;
    var evDate = this.evDate;
    for (i = 0; i < N; i++) {
      var k = evKind[i], ok = em === null || em[i] === 1;
      if (ok && evMod !== null && evMod[i] !== 0) ok = false;
      if (ok && status !== null) { sc[status[i]]++; if (!statusOn[status[i]]) ok = false; }
      if (!ok) { vis[i] = 0; continue; }
      d = evDate[i];
      var kOn = kindOn[k];
      if (d >= 0) { if (kOn) dateCount[d]++; if (!dateOk[d]) { vis[i] = 0; continue; } }
      else if (!undOk) { vis[i] = 0; continue; }
      kc[k]++;
      if (kOn) {
        vis[i] = 1; visible++;
        var s = evSite[i], p = sitePoint[s];
        ptCount[p]++; ptGroups[p * G + (evGroup !== null ? evGroup[i] : groupOfKind[k])]++;
        if (siteCoarse[s]) { ptCoarse[p]++; visCoarse++; }
      } else vis[i] = 0;
    }
    // histogram of the events every filter but the dates lets through, for the time bar;
    // month- and year-dated events are drawn as spans above it
    var hist = this.hist, minDay = this.minDay, maxDay = this.maxDay, spans = new Map();
    if (hist) hist.fill(0);
    for (d = 0; d < nD; d++) {
      if (!dateCount[d] || dayOf[d] !== dayOf[d]) continue;
      if (coarseOf[d]) {
        var key = dayOf[d] * 100000 + (endOf[d] - dayOf[d]);
        spans.set(key, (spans.get(key) || 0) + dateCount[d]);
      } else if (hist && dayOf[d] >= minDay && dayOf[d] <= maxDay) {
        hist[((dayOf[d] - minDay) * hist.length / (maxDay - minDay + 1)) | 0] += dateCount[d];
      }
    }
    this.visible = visible; this.visibleCoarse = visCoarse;
    this.spans = spans;
    // movement arcs between points, aggregated
    var arcs = new Map(), list = [];
    for (var oi = 0; oi < this.nOrigin; oi++) {
      var e = this.originEv[oi];
      if (!vis[e]) continue;
      var o = this.placePoint[this.originPlace[oi]], dest = sitePoint[evSite[e]];
      if (o === dest) continue;
      var ak = o * this.nPt + dest, arc = arcs.get(ak);
      if (!arc) { arc = { o: o, d: dest, events: [], type: this.groupOf(e) }; arcs.set(ak, arc); list.push(arc); }
      arc.events.push(e);
    }
    this.arcs = list;
  };

  /* ---------------- one event as the geomap extract schema (export.py) ---------------- */
  Model.prototype.record = function (e) {
    var D = this.D, strs = D.strs, i;
    var kind = D.kinds[this.evKind[e]], site = this.site(this.evSite[e]), pl = this.place(site[0]);
    var di = this.evDate[e], drow = di >= 0 ? D.dates[di] : null;
    var actors = [], a = this.evAset[e];
    if (a >= 0) {
      var row = D.actorSets[a];
      for (i = 0; i < row.length; i += 3) actors.push({ name: strs[row[i]], role: strs[row[i + 1]], kind: strs[row[i + 2]] });
    }
    var quotes = [];
    for (var qi = this.q0(e); qi < this.q1(e); qi++) {
      var text = this.quoteText(qi), doc = this.doc(this.qDoc[qi]), spans = [];
      for (i = this.s0(qi); i < this.s1(qi); i += 2) {
        var s16 = this.qSpan[i], e16 = s16 + this.qSpan[i + 1];
        spans.push([codePoints(text, s16), codePoints(text, e16)]);
      }
      quotes.push({ text: text, doc_id: strs[doc[0]], sentence_index: this.qSent[qi],
                    source: doc[1] >= 0 ? strs[doc[1]] : null, url: doc[2] >= 0 ? strs[doc[2]] : null,
                    place_spans: spans });
    }
    var oi = this.originOf(e);
    return {
      lat: D.points.lat[pl[0]], lon: D.points.lon[pl[0]],
      origin: oi < 0 ? null : this.place(oi),
      props: {
        event_id: this.eventId(e),
        event_type: D.types[kind[0]],
        sub_event_type: kind[1],
        place_name: pl[1],
        place_id: pl[4],
        country_code: pl[5],
        admin1_name: pl[3],
        location_precision: D.precisions[site[1]],
        region: site[2] >= 0 ? strs[site[2]] : null,
        date: drow && drow[0] !== null ? isoDay(drow[0]) : null,
        date_precision: drow && drow[1] >= 0 ? D.datePrecisions[drow[1]] : null,
        actors: actors,
        origin: oi < 0 ? null : this.placeJson(oi),
        quotes: quotes,
        doc_id: quotes.length ? quotes[0].doc_id : null,
        sources: uniq(quotes.map(function (q) { return q.source; }).filter(function (s) { return s; })),
        confidence: new Raw(D.confs[this.evConf[e]]),
        modality: D.modalities[this.modalityOf(e)],
        trigger: strs[this.evTrig[e]]
      }
    };
  };
  Model.prototype.placeJson = function (pl) {
    var D = this.D, p = this.place(pl);
    return { name: p[1], place_id: p[4], lat: new Raw(pyFloat(D.points.lat[p[0]])),
             lon: new Raw(pyFloat(D.points.lon[p[0]])), country_code: p[5], admin1_name: p[3] };
  };
  function codePoints(text, u16) {
    var n = u16;
    for (var i = 0; i < u16; i++) { var c = text.charCodeAt(i); if (c >= 0xD800 && c <= 0xDBFF) { n--; i++; } }
    return n;
  }
  /* many events' text at once (downloads): read the whole text block first, so that each
   * quote is a slice of it rather than a copy out of the comment */
  Model.prototype.loadText = function () { return this.D.q.text.length; };
  Model.prototype.geojson = function (events) {
    var self = this;
    if (events.length > 25) this.loadText();
    var features = events.map(function (e) {
      var r = self.record(e);
      return { type: 'Feature',
               geometry: { type: 'Point', coordinates: [new Raw(pyFloat(+fixed6(r.lon))), new Raw(pyFloat(+fixed6(r.lat)))] },
               properties: r.props };
    });
    return pyJson({ type: 'FeatureCollection', features: features }, 0) + '\n';
  };
  Model.prototype.csv = function (events) {
    var self = this, D = this.D, lines = [CSV_COLUMNS.join(',')];
    if (events.length > 25) this.loadText();
    events.forEach(function (e) {
      var r = self.record(e), p = r.props, o = r.origin;
      var row = {
        event_id: p.event_id, event_type: p.event_type, sub_event_type: p.sub_event_type,
        date: p.date, date_precision: p.date_precision, place_name: p.place_name, place_id: p.place_id,
        lat: fixed6(r.lat), lon: fixed6(r.lon), country_code: p.country_code, admin1_name: p.admin1_name,
        location_precision: p.location_precision, region: p.region,
        origin_name: o ? o[1] : '', origin_lat: o ? fixed6(D.points.lat[o[0]]) : '',
        origin_lon: o ? fixed6(D.points.lon[o[0]]) : '',
        actors: p.actors.map(function (a) { return a.name + ' (' + a.role + ')'; }).join('; '),
        quotes: p.quotes.map(function (q) { return q.text; }).join(' | '),
        sources: p.sources.join('; '),
        doc_ids: uniq(p.quotes.map(function (q) { return q.doc_id; })).join('; '),
        confidence: p.confidence.text, modality: p.modality
      };
      lines.push(CSV_COLUMNS.map(function (k) {
        var v = row[k] === null || row[k] === undefined ? '' : String(row[k]);
        return csvCell(CSV_NUMERIC[k] ? v : csvSafe(v));
      }).join(','));
    });
    return lines.join('\n') + '\n';
  };

  /* ---------------- the map instance ---------------- */
  function GeomapView(map, D, B, opts) {
    var self = this;
    this.map = map;
    this.model = new Model(D);
    this.D = D;
    this.opts = opts;
    this.maxZoom = map.getMaxZoom();
    var m = this.model;
    var nPt = m.nPt;
    this.symX = new Float64Array(nPt); this.symY = new Float64Array(nPt);
    this.symN = new Int32Array(nPt); this.symR = new Float64Array(nPt); this.symC = new Int32Array(nPt);
    this.symHead = new Int32Array(nPt); this.memNext = new Int32Array(nPt);
    this.pointSym = new Int32Array(nPt);
    this.nSym = 0;
    this.drawnArcs = [];
    this.tip = null;
    this.tipSym = -1;
    this.openEventIndex = -1;
    this.narrow = map.getSize().x < NARROW;
    map.on('movestart zoomstart', function () {
      if (self.tip) { map.closeTooltip(self.tip); self.tip = null; self.tipSym = -1; }
    });
    map.createPane('geomapBase').style.zIndex = 150;
    map.createPane('geomapEvents').style.zIndex = 450;
    if (B) {
      this.baseLayer = new CanvasLayer('geomapBase', makeBasemap(B));
      map.attributionControl.addAttribution('Outlines: Natural Earth');
    }
    if (opts.tiles) {
      L.tileLayer(opts.tiles.url, { attribution: opts.tiles.attribution, maxZoom: this.maxZoom }).addTo(map);
    }
    L.control.scale({ imperial: false, position: 'bottomleft', maxWidth: 120 }).addTo(map);
    this.layer = new CanvasLayer('geomapEvents', function (ctx, v) { self.draw(ctx, v); });
    this.legend = this.buildLegend(opts);
    this.table = this.buildTable();
    this.model.recompute();
    this.updateCounts();
    map.on('click', this.onClick, this);
    map.on('mousemove', this.onMove, this);
    map.on('moveend', function () { self.saveHash(); if (self.table.open && self.table.viewOnly) self.fillTable(); });
    map.on('popupclose', function () { self.openEventIndex = -1; self.saveHash(); });
    if (opts.embed) {
      // in a report, the wheel scrolls the report until the reader clicks the map
      map.scrollWheelZoom.disable();
      var box = map.getContainer();
      box.addEventListener('click', function () { map.scrollWheelZoom.enable(); });
      box.addEventListener('mouseleave', function () { map.scrollWheelZoom.disable(); });
    }
  }

  GeomapView.prototype.draw = function (ctx, v) {
    var m = this.model, G = m.G, colors = m.groupColors, shapes = m.groupShapes;
    var s = v.scale, ox = v.ox, oy = v.oy, w = v.w, h = v.h;
    var cell = v.zoom >= this.maxZoom ? 0 : CELL;
    var symX = this.symX, symY = this.symY, symN = this.symN, symR = this.symR, symC = this.symC;
    var head = this.symHead, next = this.memNext, pointSym = this.pointSym;
    var ptCount = m.ptCount, ptCoarse = m.ptCoarse, px = m.px, py = m.py;
    var nSym = 0, p, x, y, sIdx;
    var cols = cell ? Math.ceil(w / cell) + 1 : 0, rows = cell ? Math.ceil(h / cell) + 1 : 0;
    var grid = this._grid;
    if (cell && (!grid || grid.length < cols * rows)) grid = this._grid = new Int32Array(cols * rows);
    if (cell) grid.fill(-1, 0, cols * rows);
    pointSym.fill(-1);
    for (p = 0; p < m.nPt; p++) {
      var c = ptCount[p];
      if (c === 0) continue;
      x = px[p] * s - ox; y = py[p] * s - oy;
      if (x < 0 || y < 0 || x > w || y > h) continue;
      if (cell) {
        var key = ((x / cell) | 0) * rows + ((y / cell) | 0);
        sIdx = grid[key];
        if (sIdx < 0) {
          sIdx = nSym++; grid[key] = sIdx;
          symX[sIdx] = 0; symY[sIdx] = 0; symN[sIdx] = 0; symC[sIdx] = 0; head[sIdx] = -1;
        }
      } else {
        sIdx = nSym++; symX[sIdx] = 0; symY[sIdx] = 0; symN[sIdx] = 0; symC[sIdx] = 0; head[sIdx] = -1;
      }
      symX[sIdx] += x * c; symY[sIdx] += y * c; symN[sIdx] += c; symC[sIdx] += ptCoarse[p];
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
    var tc = new Int32Array(G), t;
    for (sIdx = 0; sIdx < nSym; sIdx++) {
      tc.fill(0);
      for (p = head[sIdx]; p >= 0; p = next[p]) for (t = 0; t < G; t++) tc[t] += m.ptGroups[p * G + t];
      x = symX[sIdx]; y = symY[sIdx];
      var r = symR[sIdx], total = symN[sIdx], nTypes = 0, only = 0;
      // located only to a country or region: a hollow ring, not a dot at the centroid
      var hollow = symC[sIdx] === total;
      for (t = 0; t < G; t++) if (tc[t]) { nTypes++; only = t; }
      if (nTypes === 1) {
        shapePath(ctx, shapes[only], x, y, r);
        if (hollow) {
          ctx.fillStyle = 'rgba(255,255,255,0.7)'; ctx.fill();
          ctx.lineWidth = 3.5; ctx.strokeStyle = colors[only]; ctx.stroke();
        } else {
          ctx.fillStyle = colors[only]; ctx.fill();
          ctx.lineWidth = 1.5; ctx.strokeStyle = '#ffffff'; ctx.stroke();
          ctx.lineWidth = 0.7; ctx.strokeStyle = 'rgba(0,0,0,0.55)'; ctx.stroke();
        }
      } else {
        var a0 = -Math.PI / 2;
        if (hollow) { ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.fillStyle = 'rgba(255,255,255,0.7)'; ctx.fill(); }
        for (t = 0; t < G; t++) {
          if (!tc[t]) continue;
          var a1 = a0 + 2 * Math.PI * tc[t] / total;
          ctx.beginPath();
          if (hollow) { ctx.arc(x, y, r, a0, a1); ctx.lineWidth = 3.5; ctx.strokeStyle = colors[t]; ctx.stroke(); }
          else { ctx.moveTo(x, y); ctx.arc(x, y, r, a0, a1); ctx.closePath(); ctx.fillStyle = colors[t]; ctx.fill(); }
          a0 = a1;
        }
        if (!hollow) {
          ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI);
          ctx.lineWidth = 1.5; ctx.strokeStyle = '#ffffff'; ctx.stroke();
        }
      }
    }
    if (v.zoom >= 3) this.drawPlaceLabels(ctx, v);
    ctx.font = 'bold 11px system-ui, sans-serif';
    ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
    for (sIdx = 0; sIdx < nSym; sIdx++) {
      if (symN[sIdx] < 2) continue;
      var label = symN[sIdx] >= 10000 ? Math.round(symN[sIdx] / 1000) + 'k' : String(symN[sIdx]);
      var hol = symC[sIdx] === symN[sIdx];
      ctx.lineWidth = 3; ctx.strokeStyle = hol ? 'rgba(255,255,255,0.9)' : 'rgba(0,0,0,0.55)';
      ctx.fillStyle = hol ? '#222' : '#fff';
      ctx.strokeText(label, symX[sIdx], symY[sIdx]);
      ctx.fillText(label, symX[sIdx], symY[sIdx]);
    }
  };

  GeomapView.prototype.symbolName = function (s) {
    // the place of a symbol's first visible event, and how many other places it holds
    var m = this.model, D = this.D, pts = this.membersOf(s), first = -1;
    for (var j = m.ptStart[pts[0]]; j < m.ptStart[pts[0] + 1]; j++) if (m.vis[m.ptEvents[j]]) { first = m.ptEvents[j]; break; }
    return { name: first >= 0 ? m.place(m.evPlace[first])[1] : '', others: pts.length - 1 };
  };
  GeomapView.prototype.drawPlaceLabels = function (ctx, v) {
    // the offline basemap has no towns: name the places that carry events, biggest first,
    // skipping labels that would cover another label or a symbol
    var order = [], s;
    for (s = 0; s < this.nSym; s++) order.push(s);
    var symN = this.symN;
    order.sort(function (a, b) { return symN[b] - symN[a] || a - b; });
    if (order.length > 600) order.length = 600;
    ctx.font = '12px system-ui, sans-serif';
    ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
    ctx.lineWidth = 3; ctx.strokeStyle = 'rgba(255,255,255,0.92)'; ctx.fillStyle = '#222';
    var boxes = [], placed = 0;
    for (var k = 0; k < order.length && placed < 150; k++) {
      s = order[k];
      var info = this.symbolName(s);
      if (!info.name) continue;
      var name = info.name + (info.others ? ' +' + info.others : '');
      var x = this.symX[s] + this.symR[s] + 4, y = this.symY[s];
      var w = ctx.measureText(name).width, box = [x, y - 8, x + w, y + 8], clash = x + w > v.w;
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
      boxes.push(box); placed++;
      ctx.strokeText(name, x, y);
      ctx.fillText(name, x, y);
    }
    this.labelCount = placed;
  };

  GeomapView.prototype.drawArcs = function (ctx, v) {
    var m = this.model, colors = m.groupColors, s = v.scale, nPt = m.nPt;
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
  GeomapView.prototype.symbolLabel = function (s, info) {
    info = info || this.symbolName(s);
    var n = this.symN[s];
    return info.name + (info.others ? ' and ' + info.others + ' more place' + (info.others === 1 ? '' : 's') : '') +
      ' \u00b7 ' + n + (n === 1 ? ' event' : ' events');
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
    var v = this.layer.view;
    this.tip = L.tooltip({ direction: 'top', offset: [0, -this.symR[s]], className: 'geomap-tip' })
      .setLatLng(this.map.containerPointToLatLng([this.symX[s] - v.padX, this.symY[s] - v.padY]))
      .setContent(el('span', null, this.symbolLabel(s)));
    this.map.openTooltip(this.tip);
  };
  GeomapView.prototype.membersOf = function (s) {
    var out = [];
    for (var p = this.symHead[s]; p >= 0; p = this.memNext[p]) out.push(p);
    return out.reverse();
  };
  GeomapView.prototype.onClick = function (e) {
    var s = this.symbolAt(e.containerPoint);
    if (s >= 0) { this.openSymbolPopup(s); return; }
    var arc = this.arcAt(e.containerPoint);
    if (arc) this.openPopup(e.latlng, this.arcContent(arc));
  };
  /* a symbol's popup lists its events; a cluster of places also offers to zoom in */
  GeomapView.prototype.openSymbolPopup = function (s) {
    var self = this, pts = this.membersOf(s), map = this.map, m = this.model, v = this.layer.view;
    var ll = map.containerPointToLatLng([this.symX[s] - v.padX, this.symY[s] - v.padY]);
    var zoomTo = null;
    if (pts.length > 1 && map.getZoom() < this.maxZoom) {
      var b = L.latLngBounds(pts.map(function (p) { return [m.D.points.lat[p], m.D.points.lon[p]]; }));
      if (map.getBoundsZoom(b.pad(0.3)) > map.getZoom()) {
        zoomTo = function () {
          map.closePopup();
          // a few levels at a time: jumping straight to street level loses all context offline
          map.flyToBounds(b.pad(0.3), { maxZoom: Math.min(self.maxZoom, map.getZoom() + 4), duration: 0.4 });
        };
      }
    }
    var found = this.eventsOfPoints(pts), heading = null;
    if (pts.length > 1) {
      var first = found.first >= 0 ? m.place(m.sitePlace[m.evSite[found.first]])[1] : '';
      heading = this.symbolLabel(s, { name: first, others: pts.length - 1 });
    }
    this.openPopup(ll, this.pointsContent(found.byPlace, heading, zoomTo));
  };
  /* Where a popup may go: the map minus the strips its controls occupy. Controls sit in
   * the corners; on a wide map the popup keeps clear of the left and right columns they
   * make, on a narrow one (a phone, a small frame) of the top and bottom rows. */
  GeomapView.prototype.freeArea = function () {
    var box = this.map.getContainer().getBoundingClientRect();
    var left = 0, right = 0, top = 0, bottom = 0, panel = 0;
    var ctls = this.map.getContainer().querySelectorAll('.leaflet-control, .geomap-table-panel');
    for (var i = 0; i < ctls.length; i++) {
      var c = ctls[i], r = c.getBoundingClientRect();
      if (!r.width || !r.height || c.offsetParent === null) continue;
      if (c.classList.contains('geomap-table-panel')) { panel = Math.max(panel, box.bottom - r.top); continue; }
      var corner = c.parentNode.className;
      if (corner.indexOf('leaflet-left') >= 0) left = Math.max(left, r.right - box.left);
      else right = Math.max(right, box.right - r.left);
      if (corner.indexOf('leaflet-top') >= 0) top = Math.max(top, r.bottom - box.top);
      else bottom = Math.max(bottom, box.bottom - r.top);
    }
    var m = 8;
    if (box.width - left - right - 2 * m >= 300) {
      return { left: left + m, right: right + m, top: m, bottom: panel + m, w: box.width, h: box.height };
    }
    return { left: m, right: m, top: top + m, bottom: Math.max(bottom, panel) + m, w: box.width, h: box.height };
  };
  GeomapView.prototype.openPopup = function (latlng, node) {
    var f = this.freeArea();
    var freeW = f.w - f.left - f.right, freeH = f.h - f.top - f.bottom;
    var maxW = Math.max(160, Math.min(380, freeW - 30));
    this.popup = L.popup({
      maxWidth: maxW, minWidth: Math.min(240, maxW), maxHeight: Math.max(120, Math.min(360, freeH - 70)),
      autoPanPaddingTopLeft: [f.left, f.top], autoPanPaddingBottomRight: [f.right, f.bottom]
    }).setLatLng(latlng).setContent(node).openOn(this.map);
  };

  /* ---------------- popups ---------------- */
  GeomapView.prototype.placeLine = function (pl) {
    var p = this.model.place(pl), parts = [];
    if (p[3]) parts.push(p[3]);
    if (p[2]) parts.push(p[2]);
    return parts.join(', ');
  };
  /* the documents a popup cites: numbered once, listed at its foot */
  GeomapView.prototype.citations = function (events) {
    // documents are numbered as their first quote is shown (in the events' order, so the
    // numbers are the same as numbering them all up front); one document: no numbers
    var m = this.model, one = -1, single = true;
    for (var k = 0; k < events.length && single; k++) {
      for (var qi = m.q0(events[k]), q1 = m.q1(events[k]); qi < q1; qi++) {
        var dq = m.docOf(qi);
        if (one < 0) one = dq; else if (dq !== one) { single = false; break; }
      }
    }
    return { docs: new Map(), single: single, list: el('div', 'geomap-sources'), shown: new Set() };
  };
  GeomapView.prototype.citeNumber = function (cite, di) {
    if (!cite.docs.has(di)) cite.docs.set(di, cite.docs.size + 1);
    return cite.docs.get(di);
  };
  GeomapView.prototype.citeNode = function (cite, di) {
    var D = this.D, strs = D.strs, doc = this.model.doc(di), n = this.citeNumber(cite, di);
    var srcName = doc[1] >= 0 && strs[doc[1]] ? strs[doc[1]] : strs[doc[0]];
    var url = doc[2] >= 0 && strs[doc[2]] ? strs[doc[2]] : null, href = safeHref(url);
    var line = el('div', 'geomap-src');
    line.appendChild(document.createTextNode(cite.single ? 'Source: ' : '[' + n + '] '));
    if (href) {
      var link = el('a');
      link.appendChild(bdi(srcName));
      link.href = href; link.target = '_blank'; link.rel = 'noopener noreferrer nofollow';
      line.appendChild(link);
    } else {
      line.appendChild(bdi(srcName));
      if (url) { line.appendChild(document.createTextNode(' (')); line.appendChild(bdi(url)); line.appendChild(document.createTextNode(')')); }
    }
    if (strs[doc[0]] !== srcName) { line.appendChild(document.createTextNode(' \u00b7 ')); line.appendChild(bdi(strs[doc[0]])); }
    return line;
  };
  /* the visible events at these points, by place (points in the given order, events in
   * theirs), and the first event of the first point: one pass over the events, so a popup
   * needs no index of the events of every point */
  GeomapView.prototype.eventsOfPoints = function (pts) {
    var m = this.model, slot = new Int32Array(m.nPt).fill(-1), lists = [], i;
    for (i = 0; i < pts.length; i++) { slot[pts[i]] = i; lists.push([]); }
    var vis = m.vis, evSite = m.evSite, sitePoint = m.sitePoint, sitePlace = m.sitePlace;
    for (i = 0; i < m.N; i++) {
      if (!vis[i]) continue;
      var k = slot[sitePoint[evSite[i]]];
      if (k >= 0) lists[k].push(i);
    }
    var byPlace = new Map();
    lists.forEach(function (evs) {
      evs.forEach(function (e) {
        var pl = sitePlace[evSite[e]];
        if (!byPlace.has(pl)) byPlace.set(pl, []);
        byPlace.get(pl).push(e);
      });
    });
    return { byPlace: byPlace, first: lists.length && lists[0].length ? lists[0][0] : -1 };
  };
  GeomapView.prototype.pointsContent = function (byPlace, heading, zoomTo) {
    var self = this, root = el('div', 'geomap-popup');
    var total = 0, items = [], all = [];
    byPlace.forEach(function (evs, pl) {
      total += evs.length;
      items.push({ place: pl, n: evs.length });
      self.sortEvents(evs).forEach(function (e) { items.push({ e: e }); all.push(e); });
    });
    if (heading) {
      root.appendChild(el('div', 'geomap-cluster-head', heading));
      if (zoomTo) {
        var zb = button('geomap-more geomap-zoom-in', 'Zoom in to these places');
        L.DomEvent.on(zb, 'click', function (ev) { L.DomEvent.stop(ev); zoomTo(); });
        root.appendChild(zb);
      }
    } else if (byPlace.size > 1) root.appendChild(el('div', 'geomap-place-sub', total + ' events at ' + byPlace.size + ' places'));
    this.appendItems(root, items, this.citations(all));
    return root;
  };
  GeomapView.prototype.arcContent = function (route) {
    var m = this.model, D = this.D, root = el('div', 'geomap-popup'), evs = [];
    var origins = new Set(), dests = new Set();
    route.arcs.forEach(function (a) {
      a.events.forEach(function (e) { evs.push(e); origins.add(m.place(m.originOf(e))[1]); dests.add(m.place(m.evPlace[e])[1]); });
    });
    var name = function (set) { var a = Array.from(set); return a.length === 1 ? { u: a[0] } : a.length + ' places'; };
    root.appendChild(rich('div', 'geomap-place', [name(origins), ' \u2192 ', name(dests)]));
    root.appendChild(el('div', 'geomap-place-sub', evs.length + (evs.length === 1 ? ' movement' : ' movements')));
    evs = this.sortEvents(evs);
    this.appendItems(root, evs.map(function (e) { return { e: e }; }), this.citations(evs));
    return root;
  };
  GeomapView.prototype.sortEvents = function (evs) {
    var m = this.model;
    if (evs.length > 2000) return evs;
    return evs.sort(function (a, b) {
      var da = m.dayOfEvent(a), db = m.dayOfEvent(b);
      if (da !== db) { if (da !== da) return 1; if (db !== db) return -1; return da - db; }
      return m.evKind[a] - m.evKind[b] || a - b;
    });
  };
  GeomapView.prototype.appendItems = function (root, items, cite) {
    // items are place headers ({place, n}) and events ({e}); PAGE events are shown at a time
    var self = this, shown = 0, btn = null, left = 0;
    items.forEach(function (it) { if (it.e !== undefined) left++; });
    var box = el('div');
    root.appendChild(box);
    root.appendChild(cite.list);
    function more() {
      var n = 0;
      while (shown < items.length && n < PAGE) {
        var it = items[shown++];
        if (it.e !== undefined) { box.appendChild(self.eventNode(it.e, cite)); n++; left--; continue; }
        box.appendChild(rich('div', 'geomap-place', [{ u: self.model.place(it.place)[1] }]));
        var sub = self.placeLine(it.place);
        box.appendChild(rich('div', 'geomap-place-sub', [sub ? { u: sub } : null, sub ? ' \u00b7 ' : null,
          it.n + (it.n === 1 ? ' event' : ' events')]));
      }
      if (btn) { btn.remove(); btn = null; }
      if (left > 0) {
        btn = button('geomap-more', 'Show ' + Math.min(PAGE, left) + ' more of ' + left);
        L.DomEvent.on(btn, 'click', function (ev) { L.DomEvent.stop(ev); more(); });
        box.appendChild(btn);
      }
    }
    more();
  };
  GeomapView.prototype.quoteNode = function (qi) {
    var m = this.model, text = m.quoteText(qi), bq = el('blockquote');
    bq.setAttribute('dir', 'auto');
    var marks = [];
    for (var i = m.s0(qi), s1 = m.s1(qi); i < s1; i += 2) marks.push([m.qSpan[i], m.qSpan[i] + m.qSpan[i + 1]]);
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
  GeomapView.prototype.eventNode = function (e, cite) {
    var self = this, D = this.D, m = this.model, strs = D.strs;
    var node = el('div', 'geomap-ev');
    node.setAttribute('data-event', String(e));
    var kind = D.kinds[m.evKind[e]], t = kind[0], g = m.groupOf(e);
    var head = el('div', 'geomap-ev-head');
    head.appendChild(swatch(m.groupColors[g], m.groupShapes[g], 12, false));
    head.appendChild(rich('span', null, [{ u: D.types[t] }, kind[1] ? ' \u00b7 ' : null, kind[1] ? { u: kind[1] } : null]));
    if (m.modalityOf(e)) head.appendChild(el('span', 'geomap-badge', D.modalities[m.modalityOf(e)]));
    if (m.changes) head.appendChild(el('span', 'geomap-badge geomap-status-' + STATUS.labels[m.status[e]], STATUS.labels[m.status[e]]));
    node.appendChild(head);
    var di = m.evDate[e], dateLine = 'undated';
    if (di >= 0 && D.dates[di][0] !== null) {
      var dp = D.dates[di][1];
      dateLine = dateText(D.dates[di][0], dp >= 0 ? D.datePrecisions[dp] : null);
    }
    var site = m.site(m.evSite[e]);
    node.appendChild(rich('div', 'geomap-meta', [dateLine + ' \u00b7 ', { u: m.place(site[0])[1] },
      ' \u2014 ' + D.precisions[site[1]] + (site[2] >= 0 && strs[site[2]] ? ', ' : ''),
      site[2] >= 0 && strs[site[2]] ? { u: strs[site[2]] } : null]));
    if (m.originOf(e) >= 0) node.appendChild(rich('div', 'geomap-meta', ['From ', { u: m.place(m.originOf(e))[1] }]));
    var aset = m.evAset[e];
    if (aset >= 0) {
      var a = D.actorSets[aset], parts = ['Actors: '];
      for (var j = 0; j < a.length; j += 3) {
        if (j) parts.push(', ');
        parts.push({ u: strs[a[j]] });
        if (strs[a[j + 1]]) { parts.push(' ('); parts.push({ u: strs[a[j + 1]] }); parts.push(')'); }
      }
      node.appendChild(rich('div', 'geomap-meta', parts));
    }
    if (m.changes && m.diff[e]) {
      m.diff[e].forEach(function (d) {
        node.appendChild(rich('div', 'geomap-meta geomap-diff', [d[0] + ': ', { u: d[1] }, ' \u2192 ', { u: d[2] }]));
      });
    }
    for (var qi = m.q0(e); qi < m.q1(e); qi++) {
      var bq = this.quoteNode(qi), dk = m.docOf(qi);
      if (!cite.single) bq.appendChild(el('sup', 'geomap-cite', '[' + this.citeNumber(cite, dk) + ']'));
      node.appendChild(bq);
      if (!cite.shown.has(dk)) { cite.shown.add(dk); cite.list.appendChild(this.citeNode(cite, dk)); }
    }
    var foot = el('div', 'geomap-ev-foot');
    foot.appendChild(el('span', 'geomap-meta', 'Confidence ' + Math.round(parseFloat(D.confs[m.evConf[e]]) * 100) + '%'));
    var lb = button('geomap-link', 'Link to this event', 'Copy a link that opens this event');
    L.DomEvent.on(lb, 'click', function (ev) { L.DomEvent.stop(ev); self.copyLink(e, foot); });
    foot.appendChild(lb);
    node.appendChild(foot);
    return node;
  };
  GeomapView.prototype.copyLink = function (e, foot) {
    this.openEventIndex = e;
    this.saveHash();
    var url = location.href.split('#')[0] + '#' + this.hashText();
    var note = foot.querySelector('.geomap-link-note');
    if (!note) { note = el('input', 'geomap-link-note'); note.readOnly = true; note.setAttribute('aria-label', 'Link to this event'); foot.appendChild(note); }
    note.value = url;
    note.select();
    try {
      if (navigator.clipboard) navigator.clipboard.writeText(url).then(function () { note.title = 'Copied'; }, function () {});
    } catch (err) { /* the link stays shown and selected for the reader to copy */ }
  };
  /* open one event's popup, on its place */
  GeomapView.prototype.openEvent = function (e) {
    var m = this.model, D = this.D, map = this.map, p = m.evPoint[e];
    var ll = L.latLng(D.points.lat[p], D.points.lon[p]);
    if (!map.getBounds().pad(-0.1).contains(ll) || map.getZoom() < 4) map.setView(ll, Math.max(map.getZoom(), Math.min(6, this.maxZoom)), { animate: false });
    var root = el('div', 'geomap-popup');
    var pl = m.evPlace[e];
    this.appendItems(root, [{ place: pl, n: 1 }, { e: e }], this.citations([e]));
    this.openPopup(ll, root);
    this.openEventIndex = e;
    this.saveHash();
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
    head.appendChild(rich('div', 'geomap-title', [{ u: D.title }]));
    var col = button('geomap-collapse', '\u2212', 'Hide or show the legend');
    col.setAttribute('aria-expanded', 'true');
    var setCollapsed = function (c) {
      root.classList.toggle('geomap-collapsed', c);
      col.textContent = c ? '\u2630' : '\u2212';
      col.setAttribute('aria-expanded', c ? 'false' : 'true');
    };
    col.addEventListener('click', function () { setCollapsed(!root.classList.contains('geomap-collapsed')); });
    head.appendChild(col);
    root.appendChild(head);
    var body = el('div', 'geomap-body');
    root.appendChild(body);
    this.summaryNode = el('div', 'geomap-summary');
    body.appendChild(this.summaryNode);
    this.precisionNode = el('div', 'geomap-summary geomap-precision');
    body.appendChild(this.precisionNode);
    this.arcNote = el('div', 'geomap-summary');
    body.appendChild(this.arcNote);
    var search = el('input');
    search.type = 'search'; search.placeholder = 'Search places, actors, quotes'; search.className = 'geomap-search';
    search.setAttribute('aria-label', 'Search places, actors and quotes');
    var timer = null;
    search.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { m.setQuery(search.value); self.refresh(); }, 120);
    });
    search.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter') { clearTimeout(timer); m.setQuery(search.value); self.refresh(); self.fitVisible(); }
    });
    body.appendChild(search);
    if (m.changes) body.appendChild(this.changesNode());
    this.typeRows = [];
    this.kindRows = [];
    var types = el('div', 'geomap-types');
    D.types.forEach(function (name, t) {
      var kinds = [];
      D.kinds.forEach(function (k, ki) { if (k[0] === t) kinds.push(ki); });
      var row = el('div', 'geomap-row');
      var btn = button('geomap-toggle');
      btn.setAttribute('aria-pressed', 'true');
      btn.dataset.type = String(t);
      if (!m.changes) btn.appendChild(swatch(D.colors[t], D.shapes[t], 14, false));
      btn.appendChild(rich('span', 'geomap-name', [{ u: name }]));
      var cnt = el('span', 'geomap-count');
      btn.appendChild(cnt);
      btn.addEventListener('click', function () {
        var on = kinds.some(function (ki) { return !m.kindOn[ki]; });
        kinds.forEach(function (ki) { m.kindOn[ki] = on ? 1 : 0; });
        self.refresh();
      });
      var exp = button('geomap-expand', kinds.length > 1 || D.kinds[kinds[0]][1] ? '\u25b8' : '', 'Sub-types');
      exp.setAttribute('aria-expanded', 'false');
      row.appendChild(exp);
      row.appendChild(btn);
      types.appendChild(row);
      var subs = el('div', 'geomap-subs');
      subs.hidden = true;
      exp.addEventListener('click', function () {
        subs.hidden = !subs.hidden;
        exp.textContent = subs.hidden ? '\u25b8' : '\u25be';
        exp.setAttribute('aria-expanded', subs.hidden ? 'false' : 'true');
      });
      kinds.forEach(function (ki) {
        var sb = button('geomap-toggle');
        sb.setAttribute('aria-pressed', 'true'); sb.dataset.kind = String(ki);
        sb.appendChild(rich('span', 'geomap-name', [D.kinds[ki][1] ? { u: D.kinds[ki][1] } : '(no sub-type)']));
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
    if (m.coarseLoc) {
      var key = el('div', 'geomap-section geomap-key');
      key.appendChild(swatch('#555', 'circle', 14, true));
      key.appendChild(el('span', null, 'hollow: located only to a country or region'));
      body.appendChild(key);
    }
    if (m.allMax > m.allMin) body.appendChild(this.timeNode());
    if (m.nonAsserted) {
      var na = el('label', 'geomap-check geomap-section');
      var nab = el('input'); nab.type = 'checkbox'; nab.checked = true;
      nab.addEventListener('change', function () { m.showNonAsserted = nab.checked; self.refresh(); });
      na.appendChild(nab);
      na.appendChild(document.createTextNode('Include ' + m.nonAsserted + ' not asserted (negated, hypothetical, future, background)'));
      body.appendChild(na);
    }
    var tools = el('div', 'geomap-section geomap-tools');
    var tb = button('geomap-table-toggle', 'Table of events');
    tb.setAttribute('aria-expanded', 'false');
    tb.addEventListener('click', function () { self.toggleTable(); });
    this.tableButton = tb;
    tools.appendChild(tb);
    body.appendChild(tools);
    // narrow frames and phones start with the legend folded
    if (this.narrow) setCollapsed(true);
    this.setCollapsed = setCollapsed;
    return root;
  };
  GeomapView.prototype.changesNode = function () {
    var self = this, m = this.model, ch = m.changes, box = el('div', 'geomap-section geomap-changes');
    box.appendChild(rich('div', 'geomap-sub-head', ['Changes from ', { u: ch.old }, ' to ', { u: ch['new'] }]));
    this.statusRows = [];
    [1, 2, 3, 0].forEach(function (s) {
      var btn = button('geomap-toggle geomap-status');
      btn.setAttribute('aria-pressed', 'true'); btn.dataset.status = STATUS.labels[s];
      btn.appendChild(swatch(STATUS.colors[s], STATUS.shapes[s], 14, false));
      btn.appendChild(el('span', 'geomap-name', STATUS.labels[s]));
      var cnt = el('span', 'geomap-count');
      btn.appendChild(cnt);
      btn.addEventListener('click', function () { m.statusOn[s] = m.statusOn[s] ? 0 : 1; self.refresh(); });
      var row = el('div', 'geomap-row'); row.appendChild(btn); box.appendChild(row);
      self.statusRows.push({ status: s, btn: btn, count: cnt });
    });
    return box;
  };
  /* time: a histogram of day-dated events with labelled ticks, month/year dates as spans
   * above it, two sliders and a play button */
  GeomapView.prototype.timeNode = function () {
    var self = this, m = this.model;
    var time = el('div', 'geomap-section geomap-time');
    var lbl = el('div', 'geomap-range-label');
    var lFrom = el('span', 'geomap-from-label'), lTo = el('span', 'geomap-to-label');
    lbl.appendChild(lFrom); lbl.appendChild(lTo);
    time.appendChild(lbl);
    var bars = el('canvas', 'geomap-hist');
    bars.width = 480; bars.height = 104;
    bars.setAttribute('role', 'img');
    time.appendChild(bars);
    this.histCanvas = bars;
    var rFrom = el('input'), rTo = el('input');
    rFrom.className = 'geomap-from'; rTo.className = 'geomap-to';
    rFrom.setAttribute('aria-label', 'From date'); rTo.setAttribute('aria-label', 'To date');
    [rFrom, rTo].forEach(function (r) { r.type = 'range'; r.step = '1'; });
    var showDates = function () {
      lFrom.textContent = isoDay(m.dayFrom); lTo.textContent = isoDay(m.dayTo);
      rFrom.value = String(m.dayFrom); rTo.value = String(m.dayTo);
    };
    var setBounds = function () {
      [rFrom, rTo].forEach(function (r) { r.min = String(m.minDay); r.max = String(m.maxDay); });
      showDates();
    };
    this.showDates = showDates;
    this.setTimeBounds = setBounds;
    var pending = false;
    var onRange = function () {
      var a = +rFrom.value, b = +rTo.value;
      m.dayFrom = Math.min(a, b); m.dayTo = Math.max(a, b);
      lFrom.textContent = isoDay(m.dayFrom); lTo.textContent = isoDay(m.dayTo);
      self.stopPlay();
      if (!pending) { pending = true; requestAnimationFrame(function () { pending = false; self.refresh(); }); }
    };
    rFrom.addEventListener('input', onRange); rTo.addEventListener('input', onRange);
    time.appendChild(rFrom); time.appendChild(rTo);
    var ctl = el('div', 'geomap-play-row');
    var play = button('geomap-play', '\u25b6 Play', 'Step through the dates');
    var step = el('select', 'geomap-step');
    step.setAttribute('aria-label', 'Play step');
    [['1', 'by day'], ['7', 'by week']].forEach(function (o) { var op = el('option', null, o[1]); op.value = o[0]; step.appendChild(op); });
    play.addEventListener('click', function () { if (self.playTimer) self.stopPlay(); else self.startPlay(+step.value); });
    this.playButton = play; this.stepSelect = step;
    ctl.appendChild(play); ctl.appendChild(step);
    time.appendChild(ctl);
    if (m.allMin < m.minDay || m.allMax > m.maxDay) {
      var wide = el('label', 'geomap-check');
      var wb = el('input'); wb.type = 'checkbox'; wb.className = 'geomap-all-dates';
      wb.addEventListener('change', function () {
        self.stopPlay();
        if (wb.checked) m.setAxis(m.allMin, m.allMax);
        else m.setAxis(m.preciseMin, m.preciseMax);
        setBounds(); self.refresh();
      });
      wide.appendChild(wb);
      wide.appendChild(document.createTextNode('Axis covers all dates (' + isoDay(m.allMin).slice(0, 4) + '\u2013' + isoDay(m.allMax).slice(0, 4) + ')'));
      time.appendChild(wide);
    }
    if (m.undated) {
      var chk = el('label', 'geomap-check');
      var box = el('input'); box.type = 'checkbox'; box.checked = true; box.className = 'geomap-undated';
      box.addEventListener('change', function () { m.showUndated = box.checked; self.refresh(); });
      chk.appendChild(box); chk.appendChild(document.createTextNode('Include ' + m.undated + ' undated'));
      time.appendChild(chk);
    }
    setBounds();
    return time;
  };
  GeomapView.prototype.startPlay = function (stepDays) {
    var self = this, m = this.model;
    this.stopPlay();
    this.playStepDays = stepDays;
    m.dayFrom = m.minDay; m.dayTo = Math.min(m.maxDay, m.minDay + stepDays - 1);
    this.showDates(); this.refresh();
    this.playButton.textContent = '\u275a\u275a Pause';
    this.playTimer = setInterval(function () { if (!self.playStep()) self.stopPlay(); }, 900);
  };
  /* move the window one step on; false at the end of the axis */
  GeomapView.prototype.playStep = function () {
    var m = this.model, step = this.playStepDays || 1;
    if (m.dayFrom + step > m.maxDay) return false;
    m.dayFrom += step; m.dayTo = Math.min(m.maxDay, m.dayFrom + step - 1);
    this.showDates(); this.refresh();
    return true;
  };
  GeomapView.prototype.stopPlay = function () {
    if (this.playTimer) { clearInterval(this.playTimer); this.playTimer = null; }
    if (this.playButton) this.playButton.textContent = '\u25b6 Play';
  };
  function axisTicks(lo, hi) {
    var span = hi - lo + 1, out = [], d, y;
    var daySteps = [1, 2, 7, 14];
    for (var i = 0; i < daySteps.length; i++) {
      if (span / daySteps[i] <= 5) {
        for (d = lo; d <= hi; d += daySteps[i]) {
          var dt = new Date(d * DAY_MS);
          out.push({ day: d, label: MONTHS[dt.getUTCMonth()] + ' ' + dt.getUTCDate() });
        }
        return out;
      }
    }
    var a = new Date(lo * DAY_MS), b = new Date(hi * DAY_MS);
    var months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth() + 1;
    var mSteps = [1, 2, 3, 6];
    for (i = 0; i < mSteps.length; i++) {
      if (months / mSteps[i] <= 5) {
        var k = a.getUTCFullYear() * 12 + a.getUTCMonth() + 1;
        k = Math.ceil(k / mSteps[i]) * mSteps[i];
        for (; ; k += mSteps[i]) {
          d = Date.UTC(Math.floor(k / 12), k % 12, 1) / DAY_MS;
          if (d > hi) break;
          if (d >= lo) out.push({ day: d, label: MONTHS[k % 12] + ' ' + Math.floor(k / 12) });
        }
        if (out.length) return out;
      }
    }
    var years = b.getUTCFullYear() - a.getUTCFullYear() + 1, ySteps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
    for (i = 0; i < ySteps.length; i++) if (years / ySteps[i] <= 5) break;
    var ys = ySteps[Math.min(i, ySteps.length - 1)];
    for (y = Math.ceil((a.getUTCFullYear() + 1) / ys) * ys; ; y += ys) {
      d = Date.UTC(y, 0, 1) / DAY_MS;
      if (d > hi) break;
      out.push({ day: d, label: String(y) });
    }
    return out;
  }
  GeomapView.prototype.drawHistogram = function () {
    var m = this.model, c = this.histCanvas;
    if (!c || !m.hist) return;
    var ctx = c.getContext('2d'), n = m.hist.length, max = 1, i;
    var W = c.width, H = c.height, top = 14, barsH = 56, axisY = top + barsH;
    var lo = m.minDay, hi = m.maxDay, span = hi - lo + 1;
    var xOf = function (day) { return (day - lo) / span * W; };
    for (i = 0; i < n; i++) if (m.hist[i] > max) max = m.hist[i];
    ctx.clearRect(0, 0, W, H);
    var w = W / n;
    for (i = 0; i < n; i++) {
      if (!m.hist[i]) continue;
      var d0 = lo + i * span / n, d1 = lo + (i + 1) * span / n - 1;
      ctx.fillStyle = (d1 >= m.dayFrom && d0 <= m.dayTo) ? '#3b78b8' : '#c9cdd2';
      var h = Math.max(3, Math.round((barsH - 2) * m.hist[i] / max));
      ctx.fillRect(i * w + 1, axisY - h, Math.max(1, w - 2), h);
    }
    // month- and year-dated events: a line over the days they may mean
    var rows = 0;
    m.spans.forEach(function (count, key) {
      var day = Math.floor(key / 100000), end = day + key % 100000;
      if (end < lo || day > hi || rows >= 6) return;
      var y = 3 + 2 * rows++;
      ctx.fillStyle = (end >= m.dayFrom && day <= m.dayTo) ? 'rgba(59,120,184,0.7)' : '#c9cdd2';
      ctx.fillRect(Math.max(0, xOf(day)), y, Math.max(3, Math.min(W, xOf(end + 1)) - Math.max(0, xOf(day))), 2);
    });
    ctx.fillStyle = '#888'; ctx.fillRect(0, axisY, W, 1);
    ctx.font = '20px system-ui, sans-serif'; ctx.fillStyle = '#333'; ctx.textBaseline = 'top';
    var ticks = this.ticks = axisTicks(lo, hi), lastEnd = -Infinity;
    ticks.forEach(function (t, k) {
      var x = xOf(t.day) + (span <= 31 ? W / span / 2 : 0);
      ctx.fillRect(x, axisY, 2, 8);
      var tw = ctx.measureText(t.label).width;
      var tx = Math.min(W - tw, Math.max(0, x - tw / 2));
      if (tx <= lastEnd + 6) return;
      ctx.fillText(t.label, tx, axisY + 10);
      lastEnd = tx + tw;
    });
    c.setAttribute('aria-label', 'Events over time, ' + isoDay(lo) + ' to ' + isoDay(hi));
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
    (this.statusRows || []).forEach(function (r) {
      r.count.textContent = String(m.statusCount[r.status]);
      r.btn.setAttribute('aria-pressed', m.statusOn[r.status] ? 'true' : 'false');
    });
    this.summaryNode.textContent = m.visible + ' of ' + m.N + ' events shown';
    this.precisionNode.textContent = m.visibleCoarse
      ? m.visibleCoarse + ' of ' + m.visible + ' located only to a country or region (hollow)' : '';
    this.drawHistogram();
  };
  GeomapView.prototype.refresh = function () {
    if (this.tip) { this.map.closeTooltip(this.tip); this.tip = null; this.tipSym = -1; }
    var t0 = performance.now();
    this.model.recompute();
    this.updateCounts();
    this.map.closePopup();
    this.layer.redraw();
    if (this.table.open) this.fillTable();
    this.lastRefreshMs = performance.now() - t0;
    this.saveHash();
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

  /* ---------------- the table of events, and their download ---------------- */
  var COLUMNS = [
    { key: 'date', title: 'Date' }, { key: 'type', title: 'Type' }, { key: 'sub', title: 'Sub-type' },
    { key: 'place', title: 'Place' }, { key: 'actors', title: 'Actors' }, { key: 'source', title: 'Source' }
  ];
  GeomapView.prototype.buildTable = function () {
    var self = this, m = this.model;
    var panel = el('div', 'geomap-table-panel');
    panel.hidden = true;
    panel.setAttribute('role', 'region');
    panel.setAttribute('aria-label', 'Table of events');
    L.DomEvent.disableClickPropagation(panel);
    L.DomEvent.disableScrollPropagation(panel);
    var bar = el('div', 'geomap-table-bar');
    var count = el('span', 'geomap-table-count');
    bar.appendChild(count);
    var vo = el('label', 'geomap-check');
    var vob = el('input'); vob.type = 'checkbox'; vob.className = 'geomap-view-only';
    vob.addEventListener('change', function () { t.viewOnly = vob.checked; self.fillTable(); });
    vo.appendChild(vob); vo.appendChild(document.createTextNode('Only in map view'));
    bar.appendChild(vo);
    var gj = button('geomap-download', 'GeoJSON', 'Download these events as GeoJSON');
    gj.dataset.format = 'geojson';
    var cv = button('geomap-download', 'CSV', 'Download these events as CSV');
    cv.dataset.format = 'csv';
    [gj, cv].forEach(function (b) { b.addEventListener('click', function () { self.download(b.dataset.format); }); });
    bar.appendChild(el('span', 'geomap-dl-label', 'Download:'));
    bar.appendChild(gj); bar.appendChild(cv);
    var close = button('geomap-table-close', '\u00d7', 'Close the table');
    close.addEventListener('click', function () { self.toggleTable(false); });
    bar.appendChild(close);
    panel.appendChild(bar);
    var scroll = el('div', 'geomap-table-scroll');
    var table = el('table', 'geomap-table');
    var thead = el('thead'), hr = el('tr');
    var cols = COLUMNS.slice();
    if (m.changes) cols.push({ key: 'change', title: 'Change' });
    var t = { panel: panel, open: false, viewOnly: false, sortKey: 'date', sortDir: 1, rows: [], shown: 0,
              count: count, cols: cols, heads: [] };
    cols.forEach(function (c) {
      var th = el('th');
      th.setAttribute('scope', 'col');
      var b = button('geomap-sort', c.title, 'Sort by ' + c.title.toLowerCase());
      b.addEventListener('click', function () {
        if (t.sortKey === c.key) t.sortDir = -t.sortDir; else { t.sortKey = c.key; t.sortDir = 1; }
        self.fillTable();
      });
      th.appendChild(b); hr.appendChild(th);
      t.heads.push({ key: c.key, th: th });
    });
    thead.appendChild(hr); table.appendChild(thead);
    var tbody = el('tbody');
    table.appendChild(tbody);
    scroll.appendChild(table);
    var more = button('geomap-more geomap-table-more', '');
    more.addEventListener('click', function () { self.appendRows(); });
    scroll.appendChild(more);
    panel.appendChild(scroll);
    t.tbody = tbody; t.more = more;
    tbody.addEventListener('click', function (ev) {
      var tr = ev.target.closest ? ev.target.closest('tr') : null;
      if (tr && tr.dataset.event) self.openEvent(+tr.dataset.event);
    });
    tbody.addEventListener('keydown', function (ev) {
      var tr = ev.target.closest ? ev.target.closest('tr') : null;
      if (!tr) return;
      if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); self.openEvent(+tr.dataset.event); }
      else if (ev.key === 'ArrowDown' && tr.nextSibling) { ev.preventDefault(); tr.nextSibling.focus(); }
      else if (ev.key === 'ArrowUp' && tr.previousSibling) { ev.preventDefault(); tr.previousSibling.focus(); }
    });
    this.map.getContainer().appendChild(panel);
    return t;
  };
  GeomapView.prototype.toggleTable = function (open) {
    var t = this.table;
    t.open = open === undefined ? !t.open : open;
    t.panel.hidden = !t.open;
    L.DomUtil[t.open ? 'addClass' : 'removeClass'](this.map.getContainer(), 'geomap-table-open');
    this.tableButton.setAttribute('aria-expanded', t.open ? 'true' : 'false');
    if (t.open) this.fillTable();
  };
  /* the events the table lists (and a download holds): the filtered ones, in the table's order */
  GeomapView.prototype.tableEvents = function () {
    var m = this.model, t = this.table, D = this.D, out = [], i;
    var inView = null;
    if (t.viewOnly) {
      var b = this.map.getBounds();
      inView = new Uint8Array(m.nPt);
      for (i = 0; i < m.nPt; i++) inView[i] = b.contains([D.points.lat[i], D.points.lon[i]]) ? 1 : 0;
    }
    for (i = 0; i < m.N; i++) if (m.vis[i] && (inView === null || inView[m.evPoint[i]])) out.push(i);
    var key = this.sortValue(t.sortKey), dir = t.sortDir;
    var keys = new Array(m.N);
    out.forEach(function (e) { keys[e] = key(e); });
    out.sort(function (a, b) {
      var ka = keys[a], kb = keys[b];
      if (ka !== kb) {
        if (ka === null) return 1;
        if (kb === null) return -1;
        return (ka < kb ? -1 : 1) * dir;
      }
      return a - b;
    });
    return out;
  };
  GeomapView.prototype.sortValue = function (k) {
    var m = this.model, D = this.D, self = this;
    if (k === 'date') return function (e) { var d = m.dayOfEvent(e); return d === d ? d : null; };
    if (k === 'type') return function (e) { return D.types[D.kinds[m.evKind[e]][0]].toLowerCase(); };
    if (k === 'sub') return function (e) { return D.kinds[m.evKind[e]][1].toLowerCase(); };
    if (k === 'change') return function (e) { return m.status[e]; };
    return function (e) { return self.cellText(e, k).toLowerCase() || null; };
  };
  GeomapView.prototype.cellText = function (e, k) {
    var m = this.model, D = this.D, strs = D.strs, i;
    if (k === 'date') {
      var di = m.evDate[e];
      if (di < 0 || D.dates[di][0] === null) return '';
      var dp = D.dates[di][1];
      return dateText(D.dates[di][0], dp >= 0 && D.datePrecisions[dp] !== 'day' ? D.datePrecisions[dp] : null);
    }
    if (k === 'type') return D.types[D.kinds[m.evKind[e]][0]];
    if (k === 'sub') return D.kinds[m.evKind[e]][1];
    if (k === 'place') {
      var pl = m.evPlace[e], p = m.place(pl);
      return p[1] + (p[2] ? ', ' + p[2] : '');
    }
    if (k === 'actors') {
      var a = m.evAset[e], names = [];
      if (a >= 0) for (i = 0; i < D.actorSets[a].length; i += 3) names.push(strs[D.actorSets[a][i]]);
      return names.join(', ');
    }
    if (k === 'source') {
      var srcs = [];
      for (var qi = m.q0(e); qi < m.q1(e); qi++) {
        var doc = m.doc(m.qDoc[qi]);
        srcs.push(doc[1] >= 0 && strs[doc[1]] ? strs[doc[1]] : strs[doc[0]]);
      }
      return uniq(srcs).join(', ');
    }
    if (k === 'change') {
      var s = STATUS.labels[m.status[e]], d = m.diff[e];
      return d ? s + ': ' + d.map(function (x) { return x[0] + ' ' + x[1] + ' \u2192 ' + x[2]; }).join('; ') : s;
    }
    return '';
  };
  GeomapView.prototype.fillTable = function () {
    var t = this.table;
    t.rows = this.tableEvents();
    t.shown = 0;
    t.tbody.textContent = '';
    t.count.textContent = t.rows.length + (t.rows.length === 1 ? ' event' : ' events');
    t.heads.forEach(function (h) {
      h.th.setAttribute('aria-sort', h.key === t.sortKey ? (t.sortDir > 0 ? 'ascending' : 'descending') : 'none');
    });
    this.appendRows();
  };
  GeomapView.prototype.appendRows = function () {
    var self = this, t = this.table, end = Math.min(t.rows.length, t.shown + TABLE_PAGE);
    var frag = document.createDocumentFragment();
    for (var i = t.shown; i < end; i++) {
      var e = t.rows[i], tr = el('tr');
      tr.tabIndex = 0;
      tr.dataset.event = String(e);
      t.cols.forEach(function (c) { tr.appendChild(rich('td', null, [{ u: self.cellText(e, c.key) }])); });
      frag.appendChild(tr);
    }
    t.tbody.appendChild(frag);
    t.shown = end;
    var left = t.rows.length - t.shown;
    t.more.hidden = left <= 0;
    t.more.textContent = 'Show ' + Math.min(TABLE_PAGE, left) + ' more of ' + left;
  };
  GeomapView.prototype.exportText = function (fmt) {
    var events = this.tableEvents();
    return fmt === 'csv' ? this.model.csv(events) : this.model.geojson(events);
  };
  GeomapView.prototype.download = function (fmt) {
    var text = this.exportText(fmt);
    var blob = new Blob([text], { type: fmt === 'csv' ? 'text/csv;charset=utf-8' : 'application/geo+json' });
    var a = el('a');
    var base = (this.D.title || 'events').replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60) || 'events';
    a.download = base + (fmt === 'csv' ? '.csv' : '.geojson');
    a.href = URL.createObjectURL(blob);
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  };

  /* ---------------- the view in the URL: #map=ZOOM/LAT/LON&types=…&from=…&to=…&event=… ---------------- */
  GeomapView.prototype.hashText = function () {
    var m = this.model, D = this.D, c = this.map.getCenter(), z = this.map.getZoom();
    var parts = ['map=' + z + '/' + c.lat.toFixed(4) + '/' + c.lng.toFixed(4)];
    var on = [], all = true;
    D.types.forEach(function (name, t) {
      var any = false;
      for (var k = 0; k < D.kinds.length; k++) if (D.kinds[k][0] === t && m.kindOn[k]) any = true;
      if (any) on.push(encodeURIComponent(name)); else all = false;
    });
    if (!all) parts.push('types=' + on.join(','));
    if (m.hist && (m.dayFrom !== m.minDay || m.dayTo !== m.maxDay)) {
      parts.push('from=' + isoDay(m.dayFrom)); parts.push('to=' + isoDay(m.dayTo));
    }
    if (this.openEventIndex >= 0) parts.push('event=' + encodeURIComponent(m.eventKey(this.openEventIndex)));
    return parts.join('&');
  };
  GeomapView.prototype.saveHash = function () {
    if (this.applyingHash || !this.ready) return;
    try { history.replaceState(null, '', '#' + this.hashText()); } catch (err) { /* sandboxed frame */ }
  };
  GeomapView.prototype.applyHash = function (hash) {
    var m = this.model, D = this.D, params = {};
    (hash || '').replace(/^#/, '').split('&').forEach(function (kv) {
      var i = kv.indexOf('=');
      if (i > 0) params[kv.slice(0, i)] = kv.slice(i + 1);
    });
    if (!Object.keys(params).length) return false;
    this.applyingHash = true;
    try {
      if (params.types !== undefined) {
        var names = params.types.split(',').map(function (s) { try { return decodeURIComponent(s); } catch (err) { return s; } });
        for (var k = 0; k < D.kinds.length; k++) m.kindOn[k] = names.indexOf(D.types[D.kinds[k][0]]) >= 0 ? 1 : 0;
      }
      var from = parseDay(params.from), to = parseDay(params.to);
      if (from !== null || to !== null) {
        var lo = Math.min(from !== null ? from : m.minDay, m.minDay), hi = Math.max(to !== null ? to : m.maxDay, m.maxDay);
        if (lo < m.minDay || hi > m.maxDay) m.setAxis(lo, hi);
        if (from !== null) m.dayFrom = from;
        if (to !== null) m.dayTo = to;
        if (this.setTimeBounds) this.setTimeBounds();
      }
      var mv = /^(\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(params.map || '');
      if (mv) this.map.setView([+mv[2], +mv[3]], +mv[1], { animate: false });
      this.refresh();
      if (params.event !== undefined) {
        var key; try { key = decodeURIComponent(params.event); } catch (err) { key = params.event; }
        var e = m.eventByKey(key);
        if (e >= 0) {
          if (!m.vis[e]) { m.kindOn[m.evKind[e]] = 1; this.refresh(); }
          if (mv) { var keep = this.map.getCenter(), z = this.map.getZoom(); this.openEvent(e); this.map.setView(keep, z, { animate: false }); }
          else this.openEvent(e);
        }
      }
    } finally { this.applyingHash = false; }
    this.saveHash();
    return true;
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
      labelCount: function () { return self.labelCount || 0; },
      lastRedrawMs: function () { return self.layer.lastMs; },
      lastRefreshMs: function () { return self.lastRefreshMs; },
      pointOfPlace: function (name) {
        for (var pl = 0; pl < m.placeCount(); pl++) {
          if (m.place(pl)[1] !== name) continue;
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
      refresh: function () { self.refresh(); return self.lastRefreshMs; },
      openArc: function (i) {
        var d = self.drawnArcs[i];
        var ll = self.map.containerPointToLatLng([d.g[2] - self.layer.view.padX, d.g[3] - self.layer.view.padY]);
        self.openPopup(ll, self.arcContent(d.route));
      },
      openSymbol: function (s) {
        self.openSymbolPopup(s);
        return self.map.getContainer().querySelectorAll('.leaflet-popup-content .geomap-ev').length;
      },
      openEvent: function (e) { self.openEvent(e); },
      eventKey: function (e) { return m.eventKey(e); },
      tableRows: function () { return self.table.rows.slice(); },
      tableEvents: function () { return self.tableEvents(); },
      exportText: function (fmt) { return self.exportText(fmt); },
      hash: function () { return self.hashText(); },
      ticks: function () { return (self.ticks || []).map(function (t) { return t.label; }); },
      range: function () { return [isoDay(m.dayFrom), isoDay(m.dayTo)]; },
      playStep: function () { if (!self.playStepDays) self.playStepDays = 1; return self.playStep(); },
      coarseSymbols: function () {
        var n = 0;
        for (var s = 0; s < self.nSym; s++) if (self.symC[s] === self.symN[s]) n++;
        return n;
      }
    };
  };

  /* a data block: JSON text in an HTML comment (page.py JsonData) */
  function block(id) { return document.getElementById(id).firstChild.data; }
  /* the text block with the characters page.py comment_text took out put back */
  function unfix(text, fixes) {
    if (!fixes || !fixes.length) return text;
    var parts = [], at = 0;
    for (var i = 0; i < fixes.length; i++) {
      parts.push(text.slice(at, fixes[i][0]), String.fromCharCode(fixes[i][1]));
      at = fixes[i][0] + 1;
    }
    parts.push(text.slice(at));
    return parts.join('');
  }
  function init(map, dataId, baseId, textId, colsId) {
    var D = JSON.parse(block(dataId));
    // the base64 columns, one string (page.py _move_to_text)
    if (colsId) {
      var cols = block(colsId);
      var fill = function (group) {
        Object.keys(group).forEach(function (k) {
          var c = group[k];
          if (c && typeof c === 'object' && c.at !== undefined) c.b = cols.substr(c.at, c.n);
          else if (c && typeof c === 'object' && !Array.isArray(c)) fill(c);
        });
      };
      [D.ev, D.q, D.places, D.sites, D.docs, D.changes || {}].forEach(fill);
    }
    // the quotes' text and the events' ids, one string read when first needed (a popup, the
    // search, a download), not before the map is drawn
    if (textId) {
      var all = null;
      var lazyText = function (obj, key, at, n) {
        Object.defineProperty(obj, key, {
          configurable: true,
          get: function () {
            if (all === null) all = unfix(block(textId), D.textFix);
            var value = all.substr(at, n);
            Object.defineProperty(obj, key, { value: value });
            return value;
          }
        });
      };
      lazyText(D.q, 'text', 0, D.q.textLen);
      // a piece of the text block: from the whole text once something read it, else straight
      // from the comment (a popup then copies its few quotes, not 100 MB into the JS heap)
      var fixes = D.textFix || [];
      D.textPart = function (start, n) {
        if (all !== null) return all.substr(start, n);
        var piece = document.getElementById(textId).firstChild.substringData(start, n);
        var lo = 0, hi = fixes.length;
        while (lo < hi) { var mid = (lo + hi) >> 1; if (fixes[mid][0] < start) lo = mid + 1; else hi = mid; }
        if (lo >= fixes.length || fixes[lo][0] >= start + n) return piece;
        var parts = [], at = start;
        for (; lo < fixes.length && fixes[lo][0] < start + n; lo++) {
          parts.push(piece.slice(at - start, fixes[lo][0] - start), String.fromCharCode(fixes[lo][1]));
          at = fixes[lo][0] + 1;
        }
        parts.push(piece.slice(at - start));
        return parts.join('');
      };
      if (D.ev.idAt !== undefined) lazyText(D.ev, 'ids', D.ev.idAt, D.ev.idChars);
    }
    var B = baseId && document.getElementById(baseId) ? JSON.parse(block(baseId)) : null;
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
    // drawn once, in the fitted view
    if (view.baseLayer) view.baseLayer.addTo(map);
    view.layer.addTo(map);
    view.ready = true;
    view.applyHash(location.hash);
    window.addEventListener('hashchange', function () { view.applyHash(location.hash); });
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
