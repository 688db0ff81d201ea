// The collector's web UI (docs/web-ui.md): the week of every room, roll-ups by county, school and room, and one
// room's page with its charts, all from the REST API. Plain JavaScript, no build step. Chinese first, English on
// request (remembered in this browser). Every view is a URL: /?view=rollup&from=…&to=…&county=…, /?view=room&room=…,
// and the inspector's term audit /?view=audit&from=…&to=…[&county=…][&school=…][&tier=all] for callers who may export.
"use strict";

const TEXT = {
  zh: {
    title: "心理辅导室开放情况", prev: "‹ 上一周", next: "下一周 ›", lang: "English",
    tabWeek: "本周", tabRollup: "汇总",
    rule: "每个学校日开放（有人值守）不少于 1 小时，每周不少于 10 小时。",
    footer: "数据来自各辅导室设备的签名事件；不记录任何学生身份信息。",
    MET: "达标", NOT_MET: "未达标", NO_DATA: "无数据", NOT_REQUIRED: "非学校日",
    room: "辅导室", tier: "等级", device: "设备", week: "本周累计", verdict: "周结论",
    rooms: "辅导室", weeksMet: "周达标率", daysMet: "日达标率", online: "设备在线",
    days: ["周一", "周二", "周三", "周四", "周五", "周六", "周日"], hours: "小时", of: "/",
    on: "在线", off: "离线", unknown: "未知", failed: "无法读取数据：", PENDING: "进行中",
    warnings: "未解除的提醒", noWarnings: "当前没有未解除的提醒。", raised: "提出于",
    delivery: { pending: "待发送", delivered: "已送达", failed: "发送失败", cancelled: "已取消" },
    signout: "退出登录", noVerdicts: "此账号的角色不查看开放情况，只显示设备状态。",
    roles: { "city-admin": "市级管理员", "county-admin": "区县管理员", "school-admin": "学校管理员", inspector: "督导", "it-operator": "运维" },
    city: "全市", missing: "缺失事件",
    periods: { week: "周", month: "月", term: "学期", range: "自选" }, earlier: "‹ 向前", later: "向后 ›",
    from: "从", to: "到", show: "查看", allTiers: "全部等级",
    tiers: { "合格": "合格", "示范": "示范", "未评定": "未评定" },
    name: "名称", roomsCol: "辅导室", tierMix: "合格 / 示范 / 未评定", qualifiedShare: "合格及以上", demoShare: "示范",
    dayRate: "日达标率", weekRate: "周达标率", everyWeek: "每周都达标", noDataDays: "无数据学校日", attended: "值守时长",
    target: "目标", by: "年底前", met: "已达到", notMet: "未达到",
    rollupNote: "等级占比按范围内全部辅导室计算；达标率只计已结束的学校日和周；无数据计为未达标。",
    heatmapTitle: "每个学校日的值守时长", dailyTitle: "每天开放与值守时长（小时）", checkinsTitle: "每天签到（按目的，仅统计数量）",
    weeksTitle: "每周", weekCol: "周", verdictCol: "结论", deviceTitle: "设备在线情况", excludedTitle: "未计入或迟到的事件",
    open: "开放", unattended: "无人值守", requiredDaily: "学校日要求", checkins: "签到", schoolDays: "学校日", required: "要求",
    lastSign: "最后有信号的日期", uptime: "有信号的学校日", outage: "无信号", daysUnit: "天", none: "无",
    statusAt: "状态时间", lastEvent: "最后收到事件", firmware: "固件",
    excludedNone: "此期间没有未计入的事件。",
    excludedDay: (d, n) => `${d}：${n} 个事件在设备时钟同步前记录，未计入（docs/rules.md §6）`,
    lateNote: "迟到到达的事件按设备时间计入原来的日期，结论随之重算；下列为迟到或未计入的事件，改变了结论的标有“改变结论”。",
    outageLine: (o) => `${o.from} – ${o.to}：${o.days} 天无信号（其中 ${o.schoolDays} 个学校日）`,
    intervalsTitle: "设备无信号的时段（15 分钟及以上）",
    intervalLine: (o) => `${o.fromLocal} – ${o.toLocal}（${Math.floor(o.seconds / 3600)} 小时 ${Math.floor(o.seconds % 3600 / 60)} 分）`,
    changedVerdict: "改变结论", eventKinds: { LATE_EVENTS: "迟到事件", UNSYNCED_EXCLUDED: "未计入的事件" },
    notSchool: "非学校日", pendingDay: "未结束",
    purposes: { individual: "个体辅导", group: "团体辅导", relaxation: "放松", "self-help": "自助", appointment: "预约", none: "未选" },
    stages: { primary: "小学", junior: "初中", senior: "高中", none: "未选" },
    stageTitle: "签到学段（合计）",
    tabAudit: "督导审计", auditTitle: "辅导室学期审计", allCounties: "全部区县", allSchools: "全部学校",
    county: "区县", school: "学校", thisTerm: "本学期", lastTerm: "上学期", custom: "自选",
    auditTier: { demonstration: "示范辅导室", all: "全部等级" },
    auditRooms: "审计的辅导室", exceptionsCount: "异常", daysMetCol: "达标日数", noDataCol: "无数据日",
    hoursCol: "有效开放 / 要求（小时）", exceptionsTitle: "异常情况", noExceptions: "没有异常。",
    downloadCsv: "下载 CSV", downloadPdf: "打印台帐（PDF）", downloadBundle: "证据包（ZIP）",
    noAuditRooms: "此范围和等级内没有辅导室。", noExport: "此账号的角色不能导出督导审计。",
    auditNote: "结论按规则引擎逐日逐周计算；无数据（设备全天无信号）按未达标计；非学校日和不考核的周不计入达标率。下载的文件与本页的参数相同。",
    kinds: { NO_DATA_DAY: "无数据（学校日）", NOT_MET_DAY: "学校日未达标", NO_DATA_WEEK: "无数据（周）", NOT_MET_WEEK: "周未达标",
      UNATTENDED: "开放但无人值守", UNSYNCED_EXCLUDED: "时钟未同步事件已排除", DEVICE_OFFLINE: "开放时间内设备离线", LATE_EVENTS: "事件迟到" },
  },
  en: {
    title: "Counseling rooms: open hours", prev: "‹ Previous week", next: "Next week ›", lang: "中文",
    tabWeek: "This week", tabRollup: "Roll-up",
    rule: "Open and staffed at least 1 hour every school day and 10 hours every week.",
    footer: "From the signed events of each room's device; no student identity is ever recorded.",
    MET: "met", NOT_MET: "not met", NO_DATA: "no data", NOT_REQUIRED: "no school",
    room: "Room", tier: "Tier", device: "Device", week: "Week so far", verdict: "Week",
    rooms: "Rooms", weeksMet: "Weeks met", daysMet: "School days met", online: "Devices online",
    days: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], hours: "h", of: "of",
    on: "online", off: "offline", unknown: "unknown", failed: "Cannot load the data: ", PENDING: "in progress",
    warnings: "Open warnings", noWarnings: "No open warning.", raised: "raised",
    delivery: { pending: "pending", delivered: "delivered", failed: "failed", cancelled: "cancelled" },
    signout: "Sign out", noVerdicts: "This account's role does not see opening hours: device states only.",
    roles: { "city-admin": "city admin", "county-admin": "county admin", "school-admin": "school admin", inspector: "inspector", "it-operator": "IT operator" },
    city: "whole city", missing: "events missing",
    periods: { week: "Week", month: "Month", term: "Term", range: "Range" }, earlier: "‹ Earlier", later: "Later ›",
    from: "From", to: "to", show: "Show", allTiers: "All tiers",
    tiers: { "合格": "qualified", "示范": "demonstration", "未评定": "unrated" },
    name: "Name", roomsCol: "Rooms", tierMix: "qualified / demo. / unrated", qualifiedShare: "Qualified or better", demoShare: "Demonstration",
    dayRate: "Days met", weekRate: "Weeks met", everyWeek: "Every week met", noDataDays: "School days without data", attended: "Attended",
    target: "target", by: "by the end of", met: "reached", notMet: "not reached",
    rollupNote: "Tier shares count every room in the selection; rates count finished school days and weeks only; no data counts as not met.",
    heatmapTitle: "Attended hours per school day", dailyTitle: "Open and attended hours per day (h)", checkinsTitle: "Check-ins per day by purpose (counts only)",
    weeksTitle: "Weeks", weekCol: "Week", verdictCol: "Verdict", deviceTitle: "Device uptime", excludedTitle: "Events left out or received late",
    open: "Open", unattended: "Unattended", requiredDaily: "Required on school days", checkins: "Check-ins", schoolDays: "School days", required: "required",
    lastSign: "Last day with a sign of life", uptime: "School days with a sign of life", outage: "no sign of life", daysUnit: "days", none: "none",
    statusAt: "Status at", lastEvent: "Last event received", firmware: "Firmware",
    excludedNone: "No event was left out in this period.",
    excludedDay: (d, n) => `${d}: ${n} events recorded before the device clock was synchronised were left out (docs/rules.md §6)`,
    lateNote: "Events that arrive late count on the day of their device time and the verdicts are recomputed; below, the events received late or left out, marked where they changed a verdict.",
    outageLine: (o) => `${o.from} – ${o.to}: no sign of life for ${o.days} days (${o.schoolDays} school days)`,
    intervalsTitle: "Times without any sign of life from the devices (15 minutes or more)",
    intervalLine: (o) => `${o.fromLocal} – ${o.toLocal} (${Math.floor(o.seconds / 3600)} h ${Math.floor(o.seconds % 3600 / 60)} min)`,
    changedVerdict: "changed a verdict", eventKinds: { LATE_EVENTS: "Late events", UNSYNCED_EXCLUDED: "Events left out" },
    notSchool: "no school", pendingDay: "not over",
    purposes: { individual: "individual", group: "group", relaxation: "relaxation", "self-help": "self-help", appointment: "appointment", none: "not given" },
    stages: { primary: "primary", junior: "junior", senior: "senior", none: "not given" },
    stageTitle: "Check-ins by school stage (total)",
    tabAudit: "Audit", auditTitle: "Term audit of the rooms", allCounties: "All counties", allSchools: "All schools",
    county: "County", school: "School", thisTerm: "This term", lastTerm: "Last term", custom: "Custom",
    auditTier: { demonstration: "Demonstration rooms", all: "All tiers" },
    auditRooms: "Rooms audited", exceptionsCount: "Exceptions", daysMetCol: "Days met", noDataCol: "No-data days",
    hoursCol: "Attended / required (h)", exceptionsTitle: "Exceptions", noExceptions: "No exception.",
    downloadCsv: "Download CSV", downloadPdf: "Printable file (PDF)", downloadBundle: "Evidence bundle (ZIP)",
    noAuditRooms: "No room of this scope and tier.", noExport: "This account's role cannot export the audit.",
    auditNote: "Verdicts per day and week from the rules engine; no data (no sign of life all day) counts as not met; days without school and weeks not assessed are left out of the rates. The downloads have the same parameters as this page.",
    kinds: { NO_DATA_DAY: "no data (school day)", NOT_MET_DAY: "school day not met", NO_DATA_WEEK: "no data (week)", NOT_MET_WEEK: "week not met",
      UNATTENDED: "open, nobody there", UNSYNCED_EXCLUDED: "unsynchronised events left out", DEVICE_OFFLINE: "device offline in opening hours", LATE_EVENTS: "late events" },
  },
};
const TIERS = ["合格", "示范", "未评定"];
const PURPOSES = ["individual", "group", "relaxation", "self-help", "appointment", "none"];
const COLORS = { met: "#2e7d32", notMet: "#c62828", noData: "#616161", noSchool: "#e4e8ec", pending: "#ffffff" };

const state = {
  lang: localStorage.getItem("xinan.lang") === "en" ? "en" : "zh",
  monday: mondayOf(todayInShanghai()), rooms: [], result: null, session: null, warnings: null, gaps: new Map(),
  view: "week", rollup: null, detail: null, audit: null, charts: {},
};

// ---- small helpers ----
function todayInShanghai() {
  // Days and weeks are Asia/Shanghai local dates (docs/rules.md §1), wherever the browser is.
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" })
    .format(new Date());
  return new Date(parts + "T00:00:00Z");
}
function mondayOf(d) { const x = new Date(d); x.setUTCDate(x.getUTCDate() - ((x.getUTCDay() + 6) % 7)); return x; }
function iso(d) { return d.toISOString().slice(0, 10); }
function day(s) { return new Date(s + "T00:00:00Z"); }
function addDays(d, n) { const x = new Date(d); x.setUTCDate(x.getUTCDate() + n); return x; }
function t(key) { return TEXT[state.lang][key]; }
function hours(seconds) { return (seconds / 3600).toFixed(1); }
function percent(m, n) { return n === 0 ? "–" : Math.round(100 * m / n) + "%"; }
/** A rate with its counts: "80% (8/10)". */
function rate(m, n) { return percent(m, n) + ` (${m}/${n})`; }
function tierName(tier) { return t("tiers")[tier] || tier; }
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === "class") e.className = v; else if (k === "onclick") e.addEventListener("click", v); else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
function pill(verdict, label) { return el("span", { class: "v " + verdict, title: t(verdict) }, label ?? t(verdict)); }
function card(label, value, id, extra) {
  return el("div", { class: "card", id }, el("div", { class: "n" }, value), el("div", {}, label), extra ? el("div", { class: "sub" }, extra) : null);
}
function link(params, text, attrs) { return el("a", Object.assign({ href: "/?" + new URLSearchParams(params) }, attrs || {}), text); }

// ---- periods: a week, a month, a term (spring Feb–Jul, autumn Aug–Jan) or any range, always from..to in the URL ----
function periodOf(kind, anchor) {
  const a = day(anchor), y = a.getUTCFullYear(), m = a.getUTCMonth() + 1;
  if (kind === "week") { const mo = mondayOf(a); return [iso(mo), iso(addDays(mo, 6))]; }
  if (kind === "month") return [iso(new Date(Date.UTC(y, m - 1, 1))), iso(new Date(Date.UTC(y, m, 0)))];
  if (m >= 2 && m <= 7) return [`${y}-02-01`, `${y}-07-31`];
  const start = m >= 8 ? y : y - 1;
  return [`${start}-08-01`, `${start + 1}-01-31`];
}
function shiftPeriod(kind, from, to, direction) {
  if (kind === "week") return periodOf(kind, iso(addDays(day(from), 7 * direction)));
  if (kind === "month") { const d = day(from); d.setUTCMonth(d.getUTCMonth() + direction); return periodOf(kind, iso(d)); }
  if (kind === "term") { const d = day(from); d.setUTCMonth(d.getUTCMonth() + 6 * direction); return periodOf(kind, iso(d)); }
  const length = Math.round((day(to) - day(from)) / 86400000) + 1;
  return [iso(addDays(day(from), length * direction)), iso(addDays(day(to), length * direction))];
}
/** The period of the URL, or the term of today. */
function periodFromUrl(params) {
  const kind = ["week", "month", "term", "range"].includes(params.get("p")) ? params.get("p") : "term";
  const ok = s => /^\d{4}-\d{2}-\d{2}$/.test(s || "");
  if (ok(params.get("from")) && ok(params.get("to"))) return { kind, from: params.get("from"), to: params.get("to") };
  const [from, to] = periodOf(kind === "range" ? "term" : kind, iso(todayInShanghai()));
  return { kind: kind === "range" ? "term" : kind, from, to };
}
function periodBar(container, params, period) {
  const go = (kind, from, to) => {
    const p = new URLSearchParams(params);
    p.set("p", kind); p.set("from", from); p.set("to", to);
    navigate(p);
  };
  const presets = ["week", "month", "term"].map(k => el("button", {
    type: "button", class: "preset", "aria-pressed": String(period.kind === k), "data-period": k,
    onclick: () => go(k, ...periodOf(k, period.from)),
  }, t("periods")[k]));
  const from = el("input", { type: "date", id: container.id + "-from", value: period.from, "aria-label": t("from") });
  const to = el("input", { type: "date", id: container.id + "-to", value: period.to, "aria-label": t("to") });
  const apply = el("button", { type: "button", onclick: () => { if (from.value && to.value) go("range", from.value, to.value); } }, t("show"));
  container.replaceChildren(
    el("button", { type: "button", class: "earlier", onclick: () => go(period.kind, ...shiftPeriod(period.kind, period.from, period.to, -1)) }, t("earlier")),
    ...presets,
    el("button", { type: "button", class: "later", onclick: () => go(period.kind, ...shiftPeriod(period.kind, period.from, period.to, 1)) }, t("later")),
    el("span", { class: "range" }, from, el("span", {}, "–"), to, apply));
}

// ---- loading ----
// Signed out (or the session expired): to the sign-in page, back to this very view afterwards.
function toSignIn() {
  location.assign("/signin?next=" + encodeURIComponent(location.pathname + location.search) + (state.lang === "en" ? "&lang=en" : ""));
}
async function checked(res) {
  const body = await res.json();
  if (!res.ok) throw Object.assign(new Error(body.error || res.status), { status: res.status });
  return body;
}
function api(path) { return fetch(path).then(checked); }
function showError(e) {
  if (e.status === 401) { toSignIn(); return; }
  const error = document.getElementById("error");
  error.textContent = t("failed") + e.message;
  error.hidden = false;
}
let echartsLoading = null;
/** ECharts (about 1 MB) only when a page draws charts; served by the collector itself, never a CDN. */
function loadECharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  echartsLoading = echartsLoading || new Promise((resolve, reject) => {
    const s = el("script", { src: "/ui/echarts.min.js" });
    s.onload = () => resolve(window.echarts);
    s.onerror = () => reject(new Error("/ui/echarts.min.js"));
    document.head.append(s);
  });
  return echartsLoading;
}

// ---- routing: the URL is the view ----
/** @param params an object, or URLSearchParams (which may repeat a name, like tier) */
function navigate(params) {
  const query = params instanceof URLSearchParams ? params
    : new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ""));
  history.pushState(null, "", "/?" + query);
  route();
}
async function route() {
  const params = new URLSearchParams(location.search);
  state.view = params.get("view") || (params.has("room") ? "room" : "week");
  document.getElementById("error").hidden = true;
  for (const v of ["week", "rollup", "room", "audit"]) document.getElementById("view-" + v).hidden = v !== state.view;
  for (const v of ["week", "rollup", "audit"]) document.getElementById("tab-" + v).setAttribute("aria-current", String(v === state.view));
  try {
    if (!state.session) state.session = await api("/api/v1/session");
    state.rollup = state.detail = state.audit = null; // never show the last view's figures under a new URL
    if (state.view === "rollup") await loadRollup(params);
    else if (state.view === "audit") await loadAudit(params);
    else if (state.view === "room") await loadRoom(params);
    else await loadWeek(params);
  } catch (e) {
    showError(e);
  }
  render();
}

function render() {
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  document.getElementById("lang").textContent = t("lang");
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  renderWho();
  if (state.view === "rollup") renderRollup();
  else if (state.view === "room") renderRoom();
  else if (state.view === "audit") renderAudit();
  else renderWeek();
}

function renderWho() {
  const s = state.session;
  if (!s) return;
  document.getElementById("tab-rollup").hidden = !s.permissions.includes("view-verdicts");
  // the audit only for those who may export it (docs/security.md): never a link the server would refuse
  document.getElementById("tab-audit").hidden = !s.permissions.includes("export");
  const scope = s.scope === "city" ? t("city") : s.scope.replace(/^(county|school):/, "");
  document.getElementById("who").textContent = `${s.user} · ${t("roles")[s.role] || s.role} · ${scope}`;
}

/**
 * The county and school a roll-up or an audit is of: a county or school scope's own (the API narrows to it anyway),
 * else the URL's.
 */
function scopedPlace(params) {
  const scope = state.session.scope;
  return {
    county: scope.startsWith("county:") ? scope.slice(7) : params.get("county") || "",
    school: scope.startsWith("school:") ? scope.slice(7) : params.get("school") || "",
  };
}
/** The URL of a view over a period, with the non-empty {@code extra} parameters. */
function viewParams(view, period, extra) {
  const p = new URLSearchParams({ view, p: period.kind, from: period.from, to: period.to });
  for (const [k, v] of Object.entries(extra || {})) if (v) p.set(k, v);
  return p;
}

// ---- the week of every room ----
async function loadWeek(params) {
  const requested = params.get("week");
  if (requested && /^\d{4}-\d{2}-\d{2}$/.test(requested)) state.monday = mondayOf(day(requested));
  const from = iso(state.monday), to = iso(addDays(state.monday, 6));
  const seesVerdicts = state.session.permissions.includes("view-verdicts");
  const [rooms, result, devices] = await Promise.all([
    api("/api/v1/rooms"),
    seesVerdicts ? api(`/api/v1/verdicts?from=${from}&to=${to}`) : Promise.resolve({ rooms: [] }),
    api("/api/v1/devices"),
  ]);
  state.rooms = rooms.rooms;
  // sequence gaps that have not filled: events a device recorded that are not stored (yet)
  state.gaps = new Map(devices.devices.filter(d => d.gaps.length > 0).map(d => [d.device, d.gaps]));
  state.result = result;
  // warnings (docs/warnings.md) are listed when the collector has them on; their absence is not an error
  state.warnings = await fetch("/api/v1/warnings?state=open").then(r => r.ok ? r.json() : null).catch(() => null);
}

function renderWeek() {
  document.getElementById("week-label").textContent = iso(state.monday) + " – " + iso(addDays(state.monday, 6));
  if (!state.result) return;
  if (!state.session.permissions.includes("view-verdicts")) {
    const error = document.getElementById("error");
    error.textContent = t("noVerdicts");
    error.hidden = false;
  }
  const byRoom = new Map(state.result.rooms.map(r => [r.room, r]));
  renderSummary(byRoom);
  renderWarnings();
  const head = document.getElementById("head");
  head.replaceChildren(el("th", {}, t("room")), el("th", {}, t("tier")), el("th", {}, t("device")),
    ...t("days").map((d, i) => el("th", {}, d + " " + iso(addDays(state.monday, i)).slice(5))),
    el("th", {}, t("week")), el("th", {}, t("verdict")));
  const body = document.getElementById("body");
  body.replaceChildren();
  let school = null;
  for (const room of [...state.rooms].sort((a, b) => (a.county + a.school + a.room).localeCompare(b.county + b.school + b.room))) {
    if (room.school !== school) {
      school = room.school;
      body.append(el("tr", { class: "school" }, el("td", { colspan: 12 }, room.county + " · " + (room.schoolName || room.school))));
    }
    const report = byRoom.get(room.room);
    const online = room.devices.map(d => d.online);
    const deviceCell = online.length === 0 ? t("unknown")
      : online.every(o => o === true) ? el("span", { class: "online" }, "● " + t("on"))
      : el("span", { class: "offline" }, "● " + (online.some(o => o === false) ? t("off") : t("unknown")));
    const gaps = room.devices.flatMap(d => (state.gaps.get(d.device) || []).map(g => `${d.device} ${g.from}–${g.to}`));
    const gapNote = gaps.length === 0 ? "" : el("span", { class: "offline gaps", title: gaps.join(", ") }, " ⚠ " + t("missing"));
    const nameCell = el("td", {}, report ? link({ view: "room", room: room.room, p: "week", from: iso(state.monday),
      to: iso(addDays(state.monday, 6)) }, room.name, { class: "roomlink" }) : room.name, el("br"), el("small", {}, room.room));
    if (!report) {
      body.append(el("tr", { "data-room": room.room }, nameCell, el("td", {}, tierName(room.tier)),
        el("td", {}, deviceCell, gapNote), el("td", { colspan: 9 }, "–")));
      continue;
    }
    const week = report.weeks[0];
    const share = week.requiredSeconds > 0 ? Math.min(1, week.attendedSeconds / week.requiredSeconds) : 1;
    const bar = el("div", { class: "bar" + (share < 1 ? " short" : "") }, el("span", { style: `width:${(share * 100).toFixed(0)}%` }));
    body.append(el("tr", { "data-room": room.room }, nameCell, el("td", {}, tierName(room.tier)),
      el("td", {}, deviceCell, gapNote),
      ...report.days.map(d => el("td", { class: "day" }, dayPill(d))),
      el("td", {}, `${hours(week.attendedSeconds)} ${t("of")} ${hours(week.requiredSeconds)} ${t("hours")}`, bar),
      el("td", {}, weekPill(week))));
  }
}

// A day or week that has not ended yet can still be met: show it as in progress, not as a verdict.
// (The API reports what the events say so far; an unfinished school day without events is NO_DATA there.)
function dayPill(d) {
  const today = iso(todayInShanghai());
  if (d.date > today || (d.date === today && d.verdict !== "MET" && d.verdict !== "NOT_REQUIRED")) {
    return pill("PENDING", d.date > today ? "–" : hours(d.attendedSeconds));
  }
  return pill(d.verdict, hours(d.attendedSeconds));
}
function weekPill(week) {
  const unfinished = iso(addDays(state.monday, 6)) >= iso(todayInShanghai());
  return unfinished && week.verdict !== "MET" && week.verdict !== "NOT_REQUIRED" ? pill("PENDING") : pill(week.verdict);
}

function renderSummary(byRoom) {
  // Rates over finished days and weeks only (NO_DATA counts as not met, docs/rules.md §5).
  const today = iso(todayInShanghai());
  const weekOver = iso(addDays(state.monday, 6)) < today;
  let metDays = 0, requiredDays = 0, metWeeks = 0, requiredWeeks = 0;
  for (const r of byRoom.values()) {
    for (const d of r.days) if (d.verdict !== "NOT_REQUIRED" && d.date < today) { requiredDays++; if (d.verdict === "MET") metDays++; }
    for (const w of r.weeks) if (w.verdict !== "NOT_REQUIRED" && weekOver) { requiredWeeks++; if (w.verdict === "MET") metWeeks++; }
  }
  const devices = state.rooms.flatMap(r => r.devices);
  document.getElementById("summary").replaceChildren(
    card(t("rooms"), state.rooms.length, "card-rooms"),
    card(t("weeksMet"), rate(metWeeks, requiredWeeks), "card-weeks"),
    card(t("daysMet"), rate(metDays, requiredDays), "card-days"),
    card(t("online"), `${devices.filter(d => d.online === true).length}/${devices.length}`, "card-online"));
}

function renderWarnings() {
  const section = document.getElementById("warnings");
  if (!state.warnings || !state.warnings.enabled) { section.hidden = true; return; }
  section.hidden = false;
  const names = new Map(state.rooms.map(r => [r.room, r.name]));
  const items = state.warnings.warnings.map(w => el("li", { class: "warning " + w.kind, "data-id": w.id },
    el("strong", {}, (state.lang === "zh" ? w.title : w.titleEn) + " · ", link({ view: "room", room: w.room, p: "week",
      from: iso(state.monday), to: iso(addDays(state.monday, 6)) }, names.get(w.room) || w.room)),
    el("p", {}, w.text),
    el("small", {}, t("raised") + " " + new Date(w.raisedAt).toLocaleString(state.lang === "zh" ? "zh-CN" : "en-GB",
      { timeZone: "Asia/Shanghai" }) + " · " + w.deliveries.map(d => d.target + " " + t("delivery")[d.state]).join(", "))));
  section.replaceChildren(el("h2", {}, t("warnings")),
    items.length ? el("ul", {}, ...items) : el("p", { class: "none" }, t("noWarnings")));
}

// ---- roll-up: city → county → school → room ----
async function loadRollup(params) {
  const period = periodFromUrl(params);
  const q = new URLSearchParams({ from: period.from, to: period.to });
  // a county or school admin starts at their own county or school
  const { county, school } = scopedPlace(params);
  q.set("level", school ? "room" : county ? "school" : "county");
  if (county) q.set("county", county);
  if (school) q.set("school", school);
  params.getAll("tier").forEach(tier => q.append("tier", tier));
  state.rollup = { period, params, data: await api("/api/v1/rollup?" + q) };
}

function rollupParams(extra) {
  const r = state.rollup;
  const out = viewParams("rollup", r.period, extra);
  r.params.getAll("tier").forEach(tier => out.append("tier", tier));
  return out;
}

function renderRollup() {
  if (!state.rollup) return;
  const { period, params, data } = state.rollup;
  periodBar(document.getElementById("rollup-period"), params, period);
  // breadcrumbs: only the levels the caller's scope reaches
  const scope = state.session.scope;
  const county = data.county || (data.lines[0] && data.school ? data.lines[0].county : "");
  const crumbs = [];
  if (scope === "city") crumbs.push(el("a", { href: "/?" + rollupParams({}) }, t("city")));
  if (county && !scope.startsWith("school:")) crumbs.push(el("a", { href: "/?" + rollupParams({ county }) }, county));
  if (data.school) crumbs.push(el("span", {}, data.schoolName || data.school));
  document.getElementById("crumbs").replaceChildren(...crumbs.flatMap((c, i) => i === 0 ? [c] : [el("span", { class: "sep" }, " › "), c]));

  const selected = params.getAll("tier");
  const chip = (tier, label) => el("button", {
    type: "button", class: "chip", "data-tier": tier || "all",
    "aria-pressed": String(tier ? selected.includes(tier) : selected.length === 0),
    onclick: () => {
      const next = tier ? (selected.includes(tier) ? selected.filter(x => x !== tier) : [...selected, tier]) : [];
      const p = new URLSearchParams(params);
      p.delete("tier");
      next.forEach(x => p.append("tier", x));
      navigate(p);
    },
  }, label);
  document.getElementById("tiers").replaceChildren(chip(null, t("allTiers")), ...TIERS.map(tier => chip(tier, tierName(tier))));

  const total = data.total, tg = data.targets;
  const verdictOf = ok => el("span", { class: ok ? "ok" : "short" }, ok ? "✓ " + t("met") : "✗ " + t("notMet"));
  document.getElementById("targets").replaceChildren(
    card(t("roomsCol"), total.rooms === total.allRooms ? total.allRooms : `${total.rooms}/${total.allRooms}`, "target-rooms"),
    card(t("qualifiedShare"), rate(total.qualifiedRooms, total.allRooms),
      "target-qualified", el("span", {}, `${t("target")} ${tg.qualifiedPercent}% · ${t("by")} ${tg.byYear} · `, verdictOf(total.meetsQualifiedTarget))),
    card(t("demoShare"), rate(total.demonstrationRooms, total.allRooms),
      "target-demonstration", el("span", {}, `${t("target")} ${tg.demonstrationPercent}% · ${t("by")} ${tg.byYear} · `, verdictOf(total.meetsDemonstrationTarget))),
    card(t("dayRate"), rate(total.metDays, total.requiredDays), "target-days"),
    card(t("weekRate"), rate(total.metWeeks, total.requiredWeeks), "target-weeks"),
    card(t("everyWeek"), `${total.roomsEveryWeekMet}/${total.rooms}`, "target-every-week"),
    card(t("noDataDays"), total.noDataDays, "target-no-data"));

  const rooms = data.level === "room";
  const cols = [t("name"), rooms ? t("tier") : t("roomsCol"), rooms ? null : t("tierMix"), rooms ? null : t("qualifiedShare"),
    rooms ? null : t("demoShare"), t("dayRate"), t("weekRate"), t("noDataDays"), t("attended") + " (" + t("hours") + ")"].filter(c => c !== null);
  document.getElementById("rollup-head").replaceChildren(...cols.map(c => el("th", {}, c)));
  const body = document.getElementById("rollup-body");
  body.replaceChildren(...data.lines.map(l => {
    const target = data.level === "county" ? rollupParams({ county: l.key })
      : data.level === "school" ? rollupParams({ county: l.county, school: l.key })
      : viewParams("room", period, { room: l.key });
    const cells = [el("a", { href: "/?" + target, class: "drill" }, l.name)];
    if (rooms) cells.push(el("span", { class: "tier" }, tierName(l.tier)));
    else cells.push(`${l.rooms}`, `${l.byTier["合格"]} / ${l.byTier["示范"]} / ${l.byTier["未评定"]}`,
      percent(l.qualifiedRooms, l.allRooms), percent(l.demonstrationRooms, l.allRooms));
    cells.push(rate(l.metDays, l.requiredDays),
      rate(l.metWeeks, l.requiredWeeks), `${l.noDataDays}`, hours(l.attendedSeconds));
    return el("tr", { "data-key": l.key }, ...cells.map((c, i) => el("td", { "data-label": cols[i] }, c)));
  }));
}

// ---- the inspector's term audit: every room of a scope and tier, per week, with every exception ----
/** The audit's query (from, to, county, school, tier) as the API and the downloads take it. */
function auditQuery(a) {
  const q = new URLSearchParams({ from: a.period.from, to: a.period.to });
  if (a.county) q.set("county", a.county);
  if (a.school) q.set("school", a.school);
  if (a.tier === "all") q.set("tier", "all");
  return q;
}
async function loadAudit(params) {
  if (!state.session.permissions.includes("export")) throw new Error(t("noExport"));
  const period = periodFromUrl(params);
  const { county, school } = scopedPlace(params);
  const a = { period, params, county, school, tier: params.get("tier") === "all" ? "all" : "demonstration" };
  const [rooms, data] = await Promise.all([api("/api/v1/rooms"), api("/api/v1/audit?" + auditQuery(a))]);
  state.audit = Object.assign(a, { rooms: rooms.rooms, data });
}
/** The ISO week of a date, as the API writes it: 2025-W10. */
function isoWeek(date) {
  const d = day(date), thursday = addDays(d, 3 - (d.getUTCDay() + 6) % 7), year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday - mondayOf(new Date(Date.UTC(year, 0, 4)))) / 86400000 / 7);
  return `${year}-W${String(week).padStart(2, "0")}`;
}
function auditParams(a, extra) {
  return viewParams("audit", a.period, Object.assign({ county: a.county, school: a.school, tier: a.tier === "all" ? "all" : "" }, extra));
}
function renderAudit() {
  const a = state.audit;
  if (!a) return;
  const scope = state.session.scope;
  const schoolNames = new Map(a.rooms.map(r => [r.school, r.schoolName || r.school]));

  // scope: the counties and schools of the caller's scope (from /api/v1/rooms)
  const select = (id, label, value, options, onchange) => {
    const s = el("select", { id, "aria-label": label }, ...options.map(([v, text]) => el("option", { value: v }, text)));
    s.value = value;
    s.addEventListener("change", () => onchange(s.value));
    return el("label", { class: "field" }, el("span", {}, label), s);
  };
  const counties = [...new Set(a.rooms.map(r => r.county))].sort();
  const schools = [...new Map(a.rooms.filter(r => !a.county || r.county === a.county).map(r => [r.school, schoolNames.get(r.school)]))]
    .sort((x, y) => x[0].localeCompare(y[0]));
  const fields = [];
  if (scope === "city") fields.push(select("audit-county", t("county"), a.county,
    [["", t("allCounties")], ...counties.map(c => [c, c])], v => navigate(auditParams(a, { county: v, school: "" }))));
  else if (!scope.startsWith("school:")) fields.push(el("strong", {}, a.county));
  if (!scope.startsWith("school:")) fields.push(select("audit-school", t("school"), a.school,
    [["", t("allSchools")], ...schools], v => navigate(auditParams(a, { school: v }))));
  else fields.push(el("strong", {}, schoolNames.get(a.school) || a.school));
  document.getElementById("audit-scope").replaceChildren(...fields);

  // period: this term, last term (the roll-up's term windows) or any two dates
  const thisTerm = periodOf("term", iso(todayInShanghai()));
  const lastTerm = shiftPeriod("term", ...thisTerm, -1);
  const go = (kind, from, to) => navigate(auditParams(Object.assign({}, a, { period: { kind, from, to } })));
  const preset = (key, [from, to]) => el("button", { type: "button", class: "preset", "data-period": key,
    "aria-pressed": String(a.period.from === from && a.period.to === to), onclick: () => go("term", from, to) }, t(key));
  const from = el("input", { type: "date", id: "audit-period-from", value: a.period.from, "aria-label": t("from") });
  const to = el("input", { type: "date", id: "audit-period-to", value: a.period.to, "aria-label": t("to") });
  document.getElementById("audit-period").replaceChildren(preset("thisTerm", thisTerm), preset("lastTerm", lastTerm),
    el("span", { class: "range" }, from, el("span", {}, "–"), to,
      el("button", { type: "button", id: "audit-apply", onclick: () => { if (from.value && to.value) go("range", from.value, to.value); } }, t("show"))));

  document.getElementById("audit-tiers").replaceChildren(...["demonstration", "all"].map(tier => el("button", {
    type: "button", class: "chip", "data-tier": tier, "aria-pressed": String(a.tier === tier),
    onclick: () => navigate(auditParams(a, { tier: tier === "all" ? "all" : "" })) }, t("auditTier")[tier])));

  const data = a.data, c = data.compliance;
  const exceptions = data.rooms.reduce((n, r) => n + r.exceptions.length, 0);
  document.getElementById("audit-cards").replaceChildren(
    card(t("auditRooms"), data.rooms.length, "audit-count"),
    card(t("dayRate"), rate(c.metDays, c.requiredDays), "audit-days"),
    card(t("weekRate"), rate(c.metWeeks, c.requiredWeeks), "audit-weeks"),
    card(t("exceptionsCount"), exceptions, "audit-exceptions"));

  const q = auditQuery(a);
  document.getElementById("audit-downloads").replaceChildren(
    el("a", { class: "download", id: "download-csv", href: "/api/v1/audit?" + q + "&format=csv", download: "" }, t("downloadCsv")),
    el("a", { class: "download", id: "download-pdf", href: "/api/v1/audit?" + q + "&format=pdf", download: "" }, t("downloadPdf")),
    el("a", { class: "download", id: "download-bundle", href: "/api/v1/audit/bundle?" + q, download: "" }, t("downloadBundle")));

  const rooms = [...data.rooms].sort((x, y) => (x.county + x.school + x.room).localeCompare(y.county + y.school + y.room));
  document.getElementById("audit-rooms").replaceChildren(...(rooms.length === 0 ? [el("p", {}, t("noAuditRooms"))]
    : rooms.map(r => auditRoom(r, schoolNames, a.period))));
}
function auditRoom(r, schoolNames, period) {
  const byWeek = new Map();
  for (const d of r.days) {
    const w = byWeek.get(isoWeek(d.date)) || { met: 0, school: 0, noData: 0 };
    if (d.schoolDay) w.school++;
    if (d.schoolDay && d.verdict === "MET") w.met++;
    if (d.verdict === "NO_DATA") w.noData++;
    byWeek.set(isoWeek(d.date), w);
  }
  const cols = [t("weekCol"), t("schoolDays"), t("hoursCol"), t("daysMetCol"), t("noDataCol"), t("verdictCol")];
  const c = r.compliance;
  const kindClass = kind => kind.startsWith("NO_DATA") ? "NO_DATA" : kind.startsWith("NOT_MET") ? "NOT_MET" : "EXCEPTION";
  const counts = {};
  for (const x of r.exceptions) counts[x.kind] = (counts[x.kind] || 0) + 1;
  return el("section", { class: "audit-room", "data-room": r.room },
    el("h3", {}, `${schoolNames.get(r.school) || r.school} · `,
      link({ view: "room", room: r.room, p: "range", from: period.from, to: period.to }, r.name, { class: "roomlink" }), " ",
      el("small", {}, r.room), " ", el("span", { class: "tier" }, tierName(r.tier))),
    el("p", { class: "rates" }, `${r.county} · ${t("dayRate")} ${percent(c.metDays, c.requiredDays)} (${c.metDays}/${c.requiredDays}) · `
      + `${t("weekRate")} ${percent(c.metWeeks, c.requiredWeeks)} (${c.metWeeks}/${c.requiredWeeks})`),
    el("table", { class: "cardtable audit-weeks" },
      el("thead", {}, el("tr", {}, ...cols.map(h => el("th", {}, h)))),
      el("tbody", {}, ...r.weeks.map(w => {
        const d = byWeek.get(w.week) || { met: 0, school: 0, noData: 0 };
        const cells = [w.week, `${w.schoolDays}`, `${hours(w.attendedSeconds)} / ${hours(w.requiredSeconds)}`, `${d.met}/${d.school}`,
          d.noData > 0 ? pill("NO_DATA", `${d.noData}`) : "0", pill(w.verdict)];
        return el("tr", { "data-week": w.week }, ...cells.map((x, i) => el("td", { "data-label": cols[i] }, x)));
      }))),
    el("details", { class: "exceptions", open: r.exceptions.length <= 12 ? "" : null },
      el("summary", {}, `${t("exceptionsTitle")} (${r.exceptions.length})`
        + (r.exceptions.length ? " · " + Object.entries(counts).map(([k, n]) => `${t("kinds")[k] || k} ${n}`).join(" · ") : "")),
      r.exceptions.length === 0 ? el("p", {}, t("noExceptions"))
        : el("ul", {}, ...r.exceptions.map(x => el("li", { "data-kind": x.kind, "data-unit": x.unit },
          pill(kindClass(x.kind), t("kinds")[x.kind] || x.kind), " ", el("strong", {}, x.unit), " ",
          state.lang === "zh" ? x.reasonZh : x.reason)))));
}

// ---- one room ----
async function loadRoom(params) {
  const period = periodFromUrl(params);
  const room = params.get("room") || "";
  const [detail] = await Promise.all([
    api(`/api/v1/rooms/${encodeURIComponent(room)}/detail?from=${period.from}&to=${period.to}`), loadECharts()]);
  state.detail = { period, params, data: detail };
}

function renderRoom() {
  if (!state.detail) return;
  const { period, params, data } = state.detail;
  const r = data.room;
  const scope = state.session.scope;
  const crumbs = [];
  const base = { view: "rollup", p: period.kind, from: period.from, to: period.to };
  if (scope === "city") crumbs.push(link(base, t("city")));
  if (!scope.startsWith("school:")) crumbs.push(link(Object.assign({}, base, { county: r.county }), r.county));
  crumbs.push(link(Object.assign({}, base, { county: r.county, school: r.school }), r.schoolName));
  document.getElementById("room-crumbs").replaceChildren(...crumbs.flatMap((c, i) => i === 0 ? [c] : [el("span", { class: "sep" }, " › "), c]));
  document.getElementById("room-title").replaceChildren(r.name, " ", el("span", { class: "tier" }, tierName(r.tier)));
  periodBar(document.getElementById("room-period"), params, period);

  const sum = (f) => data.days.reduce((a, d) => a + f(d), 0);
  const c = data.compliance, u = data.uptime;
  document.getElementById("room-cards").replaceChildren(
    card(t("dayRate"), rate(c.metDays, c.requiredDays), "room-days"),
    card(t("weekRate"), rate(c.metWeeks, c.requiredWeeks), "room-weeks"),
    card(t("attended"), hours(sum(d => d.attendedSeconds)) + " " + t("hours"), "room-attended",
      `${t("open")} ${hours(sum(d => d.openSeconds))} · ${t("unattended")} ${hours(sum(d => d.unattendedSeconds))}`),
    card(t("checkins"), sum(d => d.checkins), "room-checkins"),
    card(t("uptime"), `${u.schoolDaysWithSignOfLife}/${u.finishedSchoolDays}`, "room-uptime",
      `${t("lastSign")}: ${u.lastDayWithSignOfLife || t("none")}`));

  drawCharts(data);

  const stages = {};
  for (const d of data.days) for (const [k, n] of Object.entries(d.checkinsByStage)) stages[k] = (stages[k] || 0) + n;
  document.getElementById("stages").replaceChildren(el("div", { class: "card wide" }, el("div", {}, t("stageTitle")),
    el("div", { class: "sub" }, Object.keys(stages).length === 0 ? t("none")
      : Object.entries(stages).map(([k, n]) => `${t("stages")[k] || k} ${n}`).join(" · "))));

  const wcols = [t("weekCol"), t("schoolDays"), t("attended") + " / " + t("required") + " (" + t("hours") + ")", t("verdictCol")];
  document.getElementById("weeks-head").replaceChildren(...wcols.map(h => el("th", {}, h)));
  document.getElementById("weeks-body").replaceChildren(...data.weeks.map(w => el("tr", {},
    el("td", { "data-label": wcols[0] }, w.week),
    el("td", { "data-label": wcols[1] }, `${w.schoolDays}`),
    el("td", { "data-label": wcols[2] }, `${hours(w.attendedSeconds)} / ${hours(w.requiredSeconds)}`),
    el("td", { "data-label": wcols[3] }, w.complete || w.verdict === "MET" || w.verdict === "NOT_REQUIRED" ? pill(w.verdict) : pill("PENDING")))));

  document.getElementById("device").replaceChildren(
    ...data.devices.map(d => el("p", { class: "device-line" },
      el("strong", {}, d.device + " "),
      el("span", { class: d.online === true ? "online" : "offline" }, "● " + (d.online === true ? t("on") : d.online === false ? t("off") : t("unknown"))),
      ` · ${t("statusAt")} ${when(d.statusAt)} · ${t("lastEvent")} ${when(d.lastEventReceivedAt)}` + (d.firmware ? ` · ${t("firmware")} ${d.firmware}` : ""))),
    el("ul", { class: "outages" }, ...u.outages.map(o => el("li", {}, t("outageLine")(o)))),
    el("p", {}, t("intervalsTitle")),
    el("ul", { class: "outages", id: "outage-intervals" }, ...(u.outageIntervals.length === 0 ? [el("li", {}, t("none"))]
      : u.outageIntervals.map(o => el("li", {}, t("intervalLine")(o))))));

  const excluded = data.days.filter(d => d.excludedEvents > 0);
  document.getElementById("excluded").replaceChildren(
    excluded.length === 0 ? el("p", {}, t("excludedNone"))
      : el("ul", {}, ...excluded.map(d => el("li", {}, t("excludedDay")(d.date, d.excludedEvents)))),
    el("p", { class: "note" }, t("lateNote")),
    el("ul", { id: "event-exceptions" }, ...data.eventExceptions.map(e => el("li", { class: e.changedVerdict ? "changed" : "" },
      el("strong", {}, `${e.unit} · ${t("eventKinds")[e.kind] || e.kind}`),
      ...(e.changedVerdict ? [" ", pill("NOT_MET", t("changedVerdict"))] : []),
      " " + (state.lang === "zh" ? e.reasonZh : e.reason)))));
}
function when(instant) {
  return instant ? new Date(instant).toLocaleString(state.lang === "zh" ? "zh-CN" : "en-GB", { timeZone: "Asia/Shanghai" }) : "–";
}

/** The heatmap's option: one cell per day of the period; school days by attended hours, the rest marked apart. */
function heatmapOption(data, width) {
  const dailyHours = data.thresholds.dailySeconds / 3600;
  const series = { attended: [], noData: [], noSchool: [], pending: [] };
  const tip = {};
  for (const d of data.days) {
    const h = +(d.attendedSeconds / 3600).toFixed(2);
    const key = !d.complete && d.verdict !== "MET" ? "pending" : !d.schoolDay ? "noSchool" : d.verdict === "NO_DATA" ? "noData" : "attended";
    series[key].push([d.date, h]);
    tip[d.date] = `${d.date} · ${key === "pending" ? t("pendingDay") : t(d.verdict)}<br>${t("attended")} ${hours(d.attendedSeconds)} / ${t("open")} ${hours(d.openSeconds)} ${t("hours")} · ${t("checkins")} ${d.checkins}`;
  }
  const weeks = Math.ceil((day(data.to) - mondayOf(day(data.from))) / 86400000 / 7) + 1;
  const vertical = width < 600;
  const cell = vertical ? Math.max(12, Math.min(40, Math.floor((width - 70) / 7))) : Math.max(12, Math.min(36, Math.floor((width - 90) / weeks)));
  const flat = (name, key, color) => ({ type: "heatmap", coordinateSystem: "calendar", name, data: series[key], itemStyle: { color, borderColor: "#fff", borderWidth: 1 } });
  return {
    animation: false,
    tooltip: { formatter: p => tip[p.value[0]] },
    visualMap: {
      type: "piecewise", seriesIndex: 0, orient: "horizontal", left: "center", bottom: 0, textStyle: { fontSize: 12 },
      pieces: [
        { lt: dailyHours, color: "#ef9a9a", label: `< ${dailyHours} ${t("hours")}` },
        { gte: dailyHours, lt: 2 * dailyHours, color: "#81c784", label: `${dailyHours}–${2 * dailyHours} ${t("hours")}` },
        { gte: 2 * dailyHours, color: COLORS.met, label: `≥ ${2 * dailyHours} ${t("hours")}` },
      ],
    },
    calendar: {
      range: [data.from, data.to], orient: vertical ? "vertical" : "horizontal", cellSize: [cell, cell],
      top: vertical ? 40 : 30, left: vertical ? 40 : 50, right: vertical ? undefined : 10,
      dayLabel: { firstDay: 1, nameMap: state.lang === "zh" ? "ZH" : "EN" },
      monthLabel: { nameMap: state.lang === "zh" ? "ZH" : "EN" }, yearLabel: { show: false },
      splitLine: { lineStyle: { color: "#90a4ae" } }, itemStyle: { borderColor: "#fff" },
    },
    series: [
      { type: "heatmap", coordinateSystem: "calendar", name: t("attended"), data: series.attended },
      flat(t("NO_DATA"), "noData", COLORS.noData),
      flat(t("NOT_REQUIRED"), "noSchool", COLORS.noSchool),
      flat(t("PENDING"), "pending", COLORS.pending),
    ],
    _size: vertical ? { height: weeks * cell + 90 } : { height: 7 * cell + 90 },
  };
}

function drawCharts(data) {
  const box = document.getElementById("heatmap");
  const option = heatmapOption(data, box.clientWidth || 360);
  box.style.height = option._size.height + "px";
  delete option._size;
  chart("heatmap").setOption(option, true);
  document.getElementById("heatmap-legend").replaceChildren(
    el("span", { class: "v NO_DATA" }, t("NO_DATA")), el("span", { class: "v NOT_REQUIRED" }, t("NOT_REQUIRED")),
    el("span", { class: "v PENDING" }, t("pendingDay")));

  const dates = data.days.map(d => d.date.slice(5));
  const base = { grid: { left: 40, right: 16, top: 40, bottom: 30 }, tooltip: { trigger: "axis" }, legend: { type: "scroll", top: 0 },
    xAxis: { type: "category", data: dates }, yAxis: { type: "value" }, dataZoom: [{ type: "inside" }], animation: false };
  chart("daily").setOption(Object.assign({}, base, {
    series: [
      { type: "bar", name: t("open"), data: data.days.map(d => +(d.openSeconds / 3600).toFixed(2)), itemStyle: { color: "#90caf9" } },
      { type: "bar", name: t("attended"), data: data.days.map(d => +(d.attendedSeconds / 3600).toFixed(2)), itemStyle: { color: COLORS.met } },
      { type: "line", name: t("requiredDaily"), symbol: "none", step: "middle", lineStyle: { color: COLORS.notMet, type: "dashed" },
        itemStyle: { color: COLORS.notMet }, data: data.days.map(d => d.schoolDay ? data.thresholds.dailySeconds / 3600 : null) },
    ],
  }), true);
  chart("checkins").setOption(Object.assign({}, base, {
    yAxis: { type: "value", minInterval: 1 },
    series: PURPOSES.map(p => ({ type: "bar", stack: "purpose", name: t("purposes")[p], data: data.days.map(d => d.checkinsByPurpose[p] || 0) })),
  }), true);
}
function chart(id) {
  const box = document.getElementById(id);
  if (!state.charts[id] || state.charts[id].getDom() !== box) state.charts[id] = echarts.init(box);
  state.charts[id].resize();
  return state.charts[id];
}

// ---- wiring ----
async function signOut() {
  // State changes carry the session's CSRF token (docs/security.md); the cookie alone is not enough.
  try {
    await fetch("/signout", { method: "POST", headers: { "X-CSRF-Token": state.session ? state.session.csrf : "" } });
  } finally {
    location.assign("/signin");
  }
}
document.getElementById("signout").addEventListener("click", signOut);
document.getElementById("prev").addEventListener("click", () => navigate({ view: "week", week: iso(addDays(state.monday, -7)) }));
document.getElementById("next").addEventListener("click", () => navigate({ view: "week", week: iso(addDays(state.monday, 7)) }));
document.getElementById("lang").addEventListener("click", () => {
  state.lang = state.lang === "zh" ? "en" : "zh";
  localStorage.setItem("xinan.lang", state.lang);
  render();
});
// links inside the page change the view without reloading it
document.addEventListener("click", e => {
  const a = e.target.closest("a[href^='/?']");
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey) return;
  e.preventDefault();
  history.pushState(null, "", a.getAttribute("href"));
  route();
});
window.addEventListener("popstate", route);
// the warnings' links (docs/warnings.md) name a room as "#room=ROOM": that room's page
const warned = /^#room=([^&]+)$/.exec(location.hash);
if (warned) history.replaceState(null, "", "/?" + new URLSearchParams({ view: "room", room: decodeURIComponent(warned[1]) }));
let resizing = null;
window.addEventListener("resize", () => {
  clearTimeout(resizing);
  resizing = setTimeout(() => { if (state.view === "room" && state.detail) drawCharts(state.detail.data); }, 200);
});
route();
