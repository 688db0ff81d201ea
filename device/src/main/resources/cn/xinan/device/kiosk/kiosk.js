// Xin'an kiosk screen: plain JS, no framework, everything served by the firmware on 127.0.0.1.
// Nothing here asks for or keeps any identity (docs/rules.md §7): a check-in is one tap plus optional
// choices from fixed lists. Chinese first; the English switch lasts until the screen goes idle.
(function () {
  'use strict';
  var T = {
    zh: {
      lang: 'English', open: '开放室门', close: '关闭室门', today: '今日在岗', week: '本周在岗',
      checkin: '签到', staff: '工作人员', isOpen: '开放中', isClosed: '未开放', online: '网络正常',
      offline: '离线（数据已保存）', hours: '开放时间：', notSchoolDay: '（今日非上课日）',
      detailsTitle: '欢迎！', detailsHint: '可以选择来访目的和学段（可不选），然后点“完成”。',
      'p.individual': '个别辅导', 'p.group': '团体活动', 'p.relaxation': '放松减压', 'p.self-help': '自助阅读',
      'p.appointment': '预约咨询', 's.primary': '小学', 's.junior': '初中', 's.senior': '高中',
      done: '完成', thanks: '签到成功，欢迎你！', thanksHint: '老师马上就来。',
      closedHint: '辅导室现在未开放，开放时间见上方。', unlocked: '可以再试了',
      todoWeek: '本周还差 {h} 小时，剩余 {n} 个学校日', todoToday: '今天还差 {h} 小时', todoDone: '今天和本周都已达标', todoWeekLost: '本周还差 {h} 小时，本周已无学校日',
      pinTitle: '请输入工作人员密码', clear: '清除', ok: '确定', back: '返回', staffTitle: '工作人员',
      exit: '退出', wrongPin: '密码错误，还可尝试 {n} 次', locked: '尝试次数过多，请 {n} 秒后再试',
      expired: '请重新输入密码', opened: '已开放', closed: '已关闭', error: '出错了：',
      h: '小时', m: '分钟', d: '天', s: '秒', forward: '向前', backward: '向后',
      health: { network: '网络', outboxDepth: '待发送事件', acknowledgedThrough: '已确认至序号', heartbeatsThinned: '已稀疏心跳', heartbeatsSkippedDiskFull: '磁盘满时跳过心跳', clockSynced: '时钟同步', lastClockJump: '上次时钟跳变',
        heldEvents: '待校时事件', presence: '有人', lastPresenceChange: '上次感应变化', sensorStuck: '传感器疑似卡住',
        diskFreeMB: '磁盘剩余 (MB)', cpuTemperatureC: 'CPU 温度 (°C)', firmware: '固件版本', uptime: '已运行' },
      none: '无', yes: '是', no: '否', connected: '已连接', disconnected: '未连接', unknown: '未知'
    },
    en: {
      lang: '中文', open: 'Open room', close: 'Close room', today: 'Staffed today', week: 'Staffed this week',
      checkin: 'Check in', staff: 'Staff', isOpen: 'Open', isClosed: 'Closed', online: 'Online',
      offline: 'Offline (data kept)', hours: 'Opening hours: ', notSchoolDay: ' (not a school day)',
      detailsTitle: 'Welcome!', detailsHint: 'You may choose why you came and your school stage (optional), then tap Done.',
      'p.individual': 'Individual', 'p.group': 'Group', 'p.relaxation': 'Relaxation', 'p.self-help': 'Self-help',
      'p.appointment': 'Appointment', 's.primary': 'Primary', 's.junior': 'Junior', 's.senior': 'Senior',
      done: 'Done', thanks: 'You are checked in. Welcome!', thanksHint: 'A teacher will be with you soon.',
      closedHint: 'The room is closed now; see the opening hours above.', unlocked: 'You may try again',
      todoWeek: 'This week: {h} h still needed, {n} school days left', todoToday: 'Today: {h} h still needed', todoDone: 'Today and this week are met', todoWeekLost: 'This week: {h} h still needed, no school day left',
      pinTitle: 'Staff PIN', clear: 'Clear', ok: 'OK', back: 'Back', staffTitle: 'Staff',
      exit: 'Exit', wrongPin: 'Wrong PIN, {n} tries left', locked: 'Too many tries: wait {n} s',
      expired: 'Please enter the PIN again', opened: 'Room opened', closed: 'Room closed', error: 'Error: ',
      h: 'h', m: 'min', d: 'd', s: 's', forward: 'forward', backward: 'back',
      health: { network: 'Network', outboxDepth: 'Events waiting', acknowledgedThrough: 'Acked through', heartbeatsThinned: 'Heartbeats thinned', heartbeatsSkippedDiskFull: 'Heartbeats skipped', clockSynced: 'Clock synchronised',
        lastClockJump: 'Last clock jump', heldEvents: 'Events awaiting clock', presence: 'Occupied',
        lastPresenceChange: 'Last presence change', sensorStuck: 'Sensor may be stuck', diskFreeMB: 'Disk free (MB)',
        cpuTemperatureC: 'CPU temperature (°C)', firmware: 'Firmware', uptime: 'Up for' },
      none: 'none', yes: 'yes', no: 'no', connected: 'connected', disconnected: 'not connected', unknown: 'unknown'
    }
  };
  var lang = 'zh';
  var status = null;
  var idleMs = 30000;
  var lastTouch = Date.now();
  var token = null;
  var pin = '';
  var choice = { purpose: null, stage: null };
  var pendingCheckin = false;
  var health = null;
  // Messages are kept as what they say, not as text, so they follow the language switch; a lockout
  // counts down to the end the firmware gave (the firmware's clock decides; this only shows it).
  var pinMsg = null;   // { key: 'wrongPin' | 'locked' | 'expired', n: number, until: ms }
  var staffMsg = null; // { key: 'opened' | 'closed' | 'error', detail: string }
  var thanksOpen = false;

  function $(id) { return document.getElementById(id); }
  function t(key) { return T[lang][key]; }

  function show(id) {
    var screens = document.querySelectorAll('.screen');
    for (var i = 0; i < screens.length; i++) { screens[i].classList.toggle('active', screens[i].id === id); }
    document.body.setAttribute('data-screen', id);
  }
  function current() { return document.body.getAttribute('data-screen') || 'start'; }

  function api(method, path, fields) {
    var opts = { method: method, headers: {} };
    if (token) { opts.headers['X-Staff-Token'] = token; }
    if (fields) {
      opts.headers['Content-Type'] = 'application/x-www-form-urlencoded';
      opts.body = new URLSearchParams(fields).toString();
    }
    return fetch(path, opts).then(function (r) {
      return r.json().then(function (body) { return { status: r.status, body: body }; });
    });
  }

  function duration(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60);
    return h > 0 ? h + ' ' + t('h') + ' ' + m + ' ' + t('m') : m + ' ' + t('m');
  }

  // Any length in words: 3 天 4 小时 5 分钟, 4 h 5 min, 42 s.
  function longDuration(seconds) {
    var s = Math.abs(seconds), d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    if (d > 0) { return d + ' ' + t('d') + ' ' + h + ' ' + t('h') + ' ' + m + ' ' + t('m'); }
    if (h > 0) { return h + ' ' + t('h') + ' ' + m + ' ' + t('m'); }
    if (m > 0) { return m + ' ' + t('m'); }
    return s + ' ' + t('s');
  }

  function pinMessage() {
    if (!pinMsg) { return ''; }
    if (pinMsg.key === 'locked') {
      var left = Math.ceil((pinMsg.until - Date.now()) / 1000);
      return left > 0 ? t('locked').replace('{n}', left) : t('unlocked');
    }
    return t(pinMsg.key).replace('{n}', pinMsg.n);
  }

  function staffMessage() {
    if (!staffMsg) { return ''; }
    return staffMsg.key === 'error' ? t('error') + staffMsg.detail : t(staffMsg.key);
  }

  function bar(el, done, required) {
    var pct = required > 0 ? Math.min(100, 100 * done / required) : 100;
    el.style.width = pct + '%';
    el.classList.toggle('met', required > 0 && done >= required);
  }

  function render() {
    var texts = document.querySelectorAll('[data-i18n]');
    for (var i = 0; i < texts.length; i++) { texts[i].textContent = t(texts[i].getAttribute('data-i18n')); }
    $('lang').textContent = t('lang');
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    if (status) {
      $('room').textContent = status.room;
      var st = $('state');
      st.textContent = status.open ? t('isOpen') : t('isClosed');
      st.className = 'state ' + (status.open ? 'open' : 'closed');
      $('net').textContent = status.online ? t('online') : t('offline');
      $('net').className = 'net' + (status.online ? '' : ' offline');
      $('today-text').textContent = duration(status.todayAttendedSeconds) + ' / ' +
        (status.schoolDay ? duration(status.todayRequiredSeconds) : '—' + t('notSchoolDay'));
      $('week-text').textContent = duration(status.weekAttendedSeconds) + ' / ' + duration(status.weekRequiredSeconds);
      bar($('today-bar'), status.todayAttendedSeconds, status.todayRequiredSeconds);
      bar($('week-bar'), status.weekAttendedSeconds, status.weekRequiredSeconds);
      $('hours').textContent = status.openingHours ? t('hours') + status.openingHours : '';
      $('staff').style.visibility = status.staffMode ? 'visible' : 'hidden';
      $('checkin').style.display = status.open ? '' : 'none';
      $('closed-hint').style.display = status.open ? 'none' : '';
      idleMs = status.idleTimeoutMillis;
    }
    $('pin-dots').textContent = pin.replace(/./g, '●');
    $('pin-msg').textContent = pinMessage();
    $('staff-msg').textContent = staffMessage();
    $('thanks-hint').textContent = thanksOpen ? t('thanksHint') : '';
    renderHealth();
    renderTodo();
  }

  // What the counselor must still do, from the same figures as the start screen (docs/warnings.md).
  function renderTodo() {
    var el = $('todo');
    if (!status) { el.textContent = ''; return; }
    var hours = function (s) { return (Math.ceil(s / 360) / 10).toFixed(1); };
    var parts = [];
    var todayLeft = status.schoolDay ? status.todayRequiredSeconds - status.todayAttendedSeconds : 0;
    var weekLeft = status.weekRequiredSeconds - status.weekAttendedSeconds;
    if (todayLeft > 0) { parts.push(t('todoToday').replace('{h}', hours(todayLeft))); }
    if (weekLeft > 0) {
      parts.push(status.schoolDaysLeft > 0 ? t('todoWeek').replace('{h}', hours(weekLeft)).replace('{n}', status.schoolDaysLeft)
        : t('todoWeekLost').replace('{h}', hours(weekLeft)));
    }
    el.textContent = parts.length ? parts.join(lang === 'zh' ? '；' : '; ') : t('todoDone');
    el.className = 'todo' + (parts.length ? '' : ' done');
  }

  function renderHealth() {
    var table = $('health');
    table.innerHTML = '';
    if (!health) { return; }
    Object.keys(health).forEach(function (key) {
      var v = health[key];
      if (typeof v === 'boolean') { v = key === 'network' ? (v ? t('connected') : t('disconnected')) : (v ? t('yes') : t('no')); }
      if (v === null || v === undefined) { v = key === 'lastClockJump' ? t('none') : t('unknown'); }
      // instants come as local date and time already; durations as {seconds}; a clock jump as {at, seconds}
      if (typeof v === 'object' && v.at !== undefined) {
        v = v.at + ' (' + (v.seconds < 0 ? t('backward') : t('forward')) + ' ' + longDuration(v.seconds) + ')';
      } else if (typeof v === 'object') {
        v = longDuration(v.seconds);
      }
      var tr = document.createElement('tr');
      tr.setAttribute('data-key', key);
      var k = document.createElement('td'); k.textContent = t('health')[key] || key;
      var d = document.createElement('td'); d.textContent = String(v);
      tr.appendChild(k); tr.appendChild(d); table.appendChild(tr);
    });
  }

  function refresh() {
    return api('GET', '/api/status').then(function (r) { status = r.body; render(); }, function () { /* firmware restarting */ });
  }

  function resetToStart() {
    var submit = pendingCheckin ? submitCheckin() : Promise.resolve();
    return submit.then(function () {
      if (token) { api('POST', '/api/staff/logout', {}); }
      token = null; pin = ''; health = null; lang = 'zh'; pinMsg = null; staffMsg = null;
      show('start'); render(); refresh();
    });
  }

  function submitCheckin() {
    pendingCheckin = false;
    var fields = {};
    if (choice.purpose) { fields.purpose = choice.purpose; }
    if (choice.stage) { fields.stage = choice.stage; }
    choice = { purpose: null, stage: null };
    return api('POST', '/api/checkin', fields);
  }

  function choose(kind, value, buttons) {
    choice[kind] = choice[kind] === value ? null : value;
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].classList.toggle('chosen', buttons[i].getAttribute('data-' + kind) === choice[kind]);
    }
  }

  function staffAction(path, okKey) {
    api('POST', path, {}).then(function (r) {
      if (r.status === 401) { token = null; pinMsg = { key: 'expired' }; show('pin'); render(); return; }
      staffMsg = r.status === 200 ? { key: okKey } : { key: 'error', detail: r.body.error };
      render(); refresh(); loadHealth();
    });
  }

  function loadHealth() {
    return api('GET', '/api/staff/health').then(function (r) { if (r.status === 200) { health = r.body; renderHealth(); } });
  }

  function wire() {
    document.addEventListener('pointerdown', function () { lastTouch = Date.now(); }, true);
    document.addEventListener('keydown', function () { lastTouch = Date.now(); }, true);
    // a long press opens no menu; nothing can be selected or dragged
    document.addEventListener('contextmenu', function (e) { e.preventDefault(); });
    document.addEventListener('selectstart', function (e) { e.preventDefault(); });
    document.addEventListener('dragstart', function (e) { e.preventDefault(); });
    $('lang').addEventListener('click', function () { lang = lang === 'zh' ? 'en' : 'zh'; render(); });
    $('checkin').addEventListener('click', function () {
      // The tap is the check-in: it is recorded on Done, or when the screen goes idle, whichever first.
      pendingCheckin = true;
      var all = document.querySelectorAll('#details .chosen');
      for (var i = 0; i < all.length; i++) { all[i].classList.remove('chosen'); }
      show('details');
    });
    var purposes = document.querySelectorAll('[data-purpose]');
    var stages = document.querySelectorAll('[data-stage]');
    Array.prototype.forEach.call(purposes, function (b) {
      b.addEventListener('click', function () { choose('purpose', b.getAttribute('data-purpose'), purposes); });
    });
    Array.prototype.forEach.call(stages, function (b) {
      b.addEventListener('click', function () { choose('stage', b.getAttribute('data-stage'), stages); });
    });
    $('checkin-done').addEventListener('click', function () {
      submitCheckin().then(function (r) {
        thanksOpen = r.status === 200 && r.body.open === true;
        show('thanks'); render(); refresh();
      });
    });
    $('staff').addEventListener('click', function () { pin = ''; pinMsg = null; show('pin'); render(); });
    Array.prototype.forEach.call(document.querySelectorAll('[data-digit]'), function (b) {
      b.addEventListener('click', function () { if (pin.length < 12) { pin += b.getAttribute('data-digit'); render(); } });
    });
    $('pin-clear').addEventListener('click', function () { pin = ''; render(); });
    $('pin-back').addEventListener('click', resetToStart);
    $('pin-ok').addEventListener('click', function () {
      var entered = pin; pin = ''; render();
      api('POST', '/api/staff/login', { pin: entered }).then(function (r) {
        if (r.status === 200) {
          token = r.body.token; staffMsg = null; pinMsg = null; show('staffpanel'); render(); loadHealth();
        } else if (r.status === 423) {
          pinMsg = { key: 'locked', until: Date.now() + 1000 * r.body.lockedSeconds };
          render();
        } else {
          pinMsg = { key: 'wrongPin', n: r.body.attemptsLeft };
          render();
        }
      });
    });
    $('staff-open').addEventListener('click', function () { staffAction('/api/staff/open', 'opened'); });
    $('staff-close').addEventListener('click', function () { staffAction('/api/staff/close', 'closed'); });
    $('staff-exit').addEventListener('click', resetToStart);
  }

  wire();
  show('start');
  render();
  refresh();
  setInterval(refresh, 10000);
  setInterval(function () {
    if (pinMsg && pinMsg.key === 'locked') { $('pin-msg').textContent = pinMessage(); }
    var idle = Date.now() - lastTouch;
    if (current() === 'thanks' && idle >= Math.min(5000, idleMs)) { resetToStart(); return; }
    if (idle >= idleMs && (current() !== 'start' || lang !== 'zh')) { resetToStart(); }
  }, 250);
})();
