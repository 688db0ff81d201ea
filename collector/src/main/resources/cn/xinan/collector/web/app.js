// The collector's web UI: one ISO week of every room's verdicts, from the REST API (docs/collector.md).
// Plain JavaScript, no build step. Chinese first, English on request.
"use strict";

const TEXT = {
  zh: {
    title: "心理辅导室开放情况", prev: "‹ 上一周", next: "下一周 ›", lang: "English",
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
    city: "全市",
    missing: "缺失事件",
  },
  en: {
    title: "Counseling rooms: open hours", prev: "‹ Previous week", next: "Next week ›", lang: "中文",
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
    city: "whole city",
    missing: "events missing",
  },
};
const TIER_EN = { "合格": "qualified", "示范": "demonstration", "未评定": "unrated" };

const state = { lang: "zh", monday: mondayOf(todayInShanghai()), rooms: [], result: null, session: null, warnings: null, gaps: new Map() };

function todayInShanghai() {
  // Days and weeks are Asia/Shanghai local dates (docs/rules.md §1), wherever the browser is.
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" })
    .format(new Date());
  return new Date(parts + "T00:00:00Z");
}
function mondayOf(d) { const x = new Date(d); x.setUTCDate(x.getUTCDate() - ((x.getUTCDay() + 6) % 7)); return x; }
function iso(d) { return d.toISOString().slice(0, 10); }
function addDays(d, n) { const x = new Date(d); x.setUTCDate(x.getUTCDate() + n); return x; }
function t(key) { return TEXT[state.lang][key]; }
function hours(seconds) { return (seconds / 3600).toFixed(1); }
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) { if (k === "class") e.className = v; else e.setAttribute(k, v); }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
function pill(verdict, label) { return el("span", { class: "v " + verdict, title: t(verdict) }, label ?? t(verdict)); }

// Signed out (or the session expired): back to the sign-in page, returning here afterwards.
function toSignIn() { location.assign("/signin?next=" + encodeURIComponent(location.pathname + location.search)); }

async function load() {
  const from = iso(state.monday), to = iso(addDays(state.monday, 6));
  document.getElementById("week-label").textContent = from + " – " + to;
  const error = document.getElementById("error");
  try {
    if (!state.session) state.session = await fetch("/api/v1/session").then(checked);
    const seesVerdicts = state.session.permissions.includes("view-verdicts");
    const [rooms, result, devices] = await Promise.all([
      fetch("/api/v1/rooms").then(checked),
      seesVerdicts ? fetch(`/api/v1/verdicts?from=${from}&to=${to}`).then(checked) : Promise.resolve({ rooms: [] }),
      fetch("/api/v1/devices").then(checked),
    ]);
    state.rooms = rooms.rooms;
    // sequence gaps that have not filled: events a device recorded that are not stored (yet)
    state.gaps = new Map(devices.devices.filter(d => d.gaps.length > 0).map(d => [d.device, d.gaps]));
    state.result = result;
    error.hidden = true;
    // warnings (docs/warnings.md) are listed when the collector has them on; their absence is not an error
    state.warnings = await fetch("/api/v1/warnings?state=open").then(r => r.ok ? r.json() : null).catch(() => null);
  } catch (e) {
    if (e.status === 401) { toSignIn(); return; }
    error.textContent = t("failed") + e.message;
    error.hidden = false;
    return;
  }
  render();
}
async function checked(res) {
  const body = await res.json();
  if (!res.ok) throw Object.assign(new Error(body.error || res.status), { status: res.status });
  return body;
}

function render() {
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  document.getElementById("lang").textContent = t("lang");
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  renderWho();
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
    if (!report) {
      body.append(el("tr", { "data-room": room.room }, el("td", {}, room.name, el("br"), el("small", {}, room.room)),
        el("td", {}, state.lang === "zh" ? room.tier : TIER_EN[room.tier] || room.tier), el("td", {}, deviceCell, gapNote),
        el("td", { colspan: 9 }, "–")));
      continue;
    }
    const week = report.weeks[0];
    const share = week.requiredSeconds > 0 ? Math.min(1, week.attendedSeconds / week.requiredSeconds) : 1;
    const bar = el("div", { class: "bar" + (share < 1 ? " short" : "") }, el("span", { style: `width:${(share * 100).toFixed(0)}%` }));
    body.append(el("tr", { "data-room": room.room },
      el("td", {}, room.name, el("br"), el("small", {}, room.room)),
      el("td", {}, state.lang === "zh" ? room.tier : TIER_EN[room.tier] || room.tier),
      el("td", {}, deviceCell, gapNote),
      ...report.days.map(d => el("td", { class: "day" }, dayPill(d))),
      el("td", {}, `${hours(week.attendedSeconds)} ${t("of")} ${hours(week.requiredSeconds)} ${t("hours")}`, bar),
      el("td", {}, weekPill(week))));
  }
}

// A day or week that has not ended yet can still be met: show it as in progress, not as a verdict.
// (The API reports what the events say so far; an unfinished school day without events is NO_DATA there.)
function dayPill(day) {
  const today = iso(todayInShanghai());
  if (day.date > today || (day.date === today && day.verdict !== "MET" && day.verdict !== "NOT_REQUIRED")) {
    return pill("PENDING", day.date > today ? "–" : hours(day.attendedSeconds));
  }
  return pill(day.verdict, hours(day.attendedSeconds));
}
function weekPill(week) {
  const sunday = iso(addDays(state.monday, 6));
  const unfinished = sunday >= iso(todayInShanghai());
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
  const rate = (m, n) => n === 0 ? "–" : Math.round(100 * m / n) + "%";
  const card = (label, value, id) => el("div", { class: "card", id }, el("div", { class: "n" }, value), el("div", {}, label));
  document.getElementById("summary").replaceChildren(
    card(t("rooms"), state.rooms.length, "card-rooms"),
    card(t("weeksMet"), rate(metWeeks, requiredWeeks) + ` (${metWeeks}/${requiredWeeks})`, "card-weeks"),
    card(t("daysMet"), rate(metDays, requiredDays) + ` (${metDays}/${requiredDays})`, "card-days"),
    card(t("online"), `${devices.filter(d => d.online === true).length}/${devices.length}`, "card-online"));
}

function renderWarnings() {
  const section = document.getElementById("warnings");
  if (!state.warnings || !state.warnings.enabled) { section.hidden = true; return; }
  section.hidden = false;
  const names = new Map(state.rooms.map(r => [r.room, r.name]));
  const items = state.warnings.warnings.map(w => el("li", { class: "warning " + w.kind, "data-id": w.id },
    el("strong", {}, (state.lang === "zh" ? w.title : w.titleEn) + " · " + (names.get(w.room) || w.room)),
    el("p", {}, w.text),
    el("small", {}, t("raised") + " " + new Date(w.raisedAt).toLocaleString(state.lang === "zh" ? "zh-CN" : "en-GB",
      { timeZone: "Asia/Shanghai" }) + " · " + w.deliveries.map(d => d.target + " " + t("delivery")[d.state]).join(", "))));
  section.replaceChildren(el("h2", {}, t("warnings")),
    items.length ? el("ul", {}, ...items) : el("p", { class: "none" }, t("noWarnings")));
}

function renderWho() {
  const s = state.session;
  if (!s) return;
  const scope = s.scope === "city" ? t("city") : s.scope.replace(/^(county|school):/, "");
  document.getElementById("who").textContent = `${s.user} · ${t("roles")[s.role] || s.role} · ${scope}`;
}

async function signOut() {
  // State changes carry the session's CSRF token (docs/security.md); the cookie alone is not enough.
  try {
    await fetch("/signout", { method: "POST", headers: { "X-CSRF-Token": state.session ? state.session.csrf : "" } });
  } finally {
    location.assign("/signin");
  }
}

document.getElementById("signout").addEventListener("click", signOut);
document.getElementById("prev").addEventListener("click", () => { state.monday = addDays(state.monday, -7); load(); });
document.getElementById("next").addEventListener("click", () => { state.monday = addDays(state.monday, 7); load(); });
document.getElementById("lang").addEventListener("click", () => { state.lang = state.lang === "zh" ? "en" : "zh"; render(); });
const requested = new URLSearchParams(location.search).get("week");
if (requested && /^\d{4}-\d{2}-\d{2}$/.test(requested)) state.monday = mondayOf(new Date(requested + "T00:00:00Z"));
load();
