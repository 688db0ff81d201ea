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
      pinTitle: '请输入工作人员密码', clear: '清除', ok: '确定', back: '返回', staffTitle: '工作人员',
      exit: '退出', wrongPin: '密码错误，还可尝试 {n} 次', locked: '尝试次数过多，请 {n} 秒后再试',
      expired: '请重新输入密码', opened: '已开放', closed: '已关闭', error: '出错了：',
      h: '小时', m: '分钟',
      health: { network: '网络', outboxDepth: '待发送事件', clockSynced: '时钟同步', lastClockJump: '上次时钟跳变',
        heldEvents: '待校时事件', presence: '有人', lastPresenceChange: '上次感应变化', sensorStuck: '传感器疑似卡住',
        diskFreeMB: '磁盘剩余 (MB)', cpuTemperatureC: 'CPU 温度 (°C)', firmware: '固件版本', uptimeSeconds: '运行时间 (秒)' },
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
      pinTitle: 'Staff PIN', clear: 'Clear', ok: 'OK', back: 'Back', staffTitle: 'Staff',
      exit: 'Exit', wrongPin: 'Wrong PIN, {n} tries left', locked: 'Too many tries: wait {n} s',
      expired: 'Please enter the PIN again', opened: 'Room opened', closed: 'Room closed', error: 'Error: ',
      h: 'h', m: 'min',
      health: { network: 'Network', outboxDepth: 'Events waiting', clockSynced: 'Clock synchronised',
        lastClockJump: 'Last clock jump', heldEvents: 'Events awaiting clock', presence: 'Occupied',
        lastPresenceChange: 'Last presence change', sensorStuck: 'Sensor may be stuck', diskFreeMB: 'Disk free (MB)',
        cpuTemperatureC: 'CPU temperature (°C)', firmware: 'Firmware', uptimeSeconds: 'Up (s)' },
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
      idleMs = status.idleTimeoutMillis;
    }
    $('pin-dots').textContent = pin.replace(/./g, '●');
    renderHealth();
  }

  function renderHealth() {
    var table = $('health');
    table.innerHTML = '';
    if (!health) { return; }
    Object.keys(health).forEach(function (key) {
      var v = health[key];
      if (typeof v === 'boolean') { v = key === 'network' ? (v ? t('connected') : t('disconnected')) : (v ? t('yes') : t('no')); }
      if (v === null || v === undefined) { v = key === 'lastClockJump' ? t('none') : t('unknown'); }
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
      token = null; pin = ''; health = null; lang = 'zh';
      $('pin-msg').textContent = ''; $('staff-msg').textContent = '';
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
      if (r.status === 401) { token = null; show('pin'); $('pin-msg').textContent = t('expired'); return; }
      $('staff-msg').textContent = r.status === 200 ? t(okKey) : t('error') + r.body.error;
      refresh(); loadHealth();
    });
  }

  function loadHealth() {
    return api('GET', '/api/staff/health').then(function (r) { if (r.status === 200) { health = r.body; renderHealth(); } });
  }

  function wire() {
    document.addEventListener('pointerdown', function () { lastTouch = Date.now(); }, true);
    document.addEventListener('keydown', function () { lastTouch = Date.now(); }, true);
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
      submitCheckin().then(function () { show('thanks'); refresh(); });
    });
    $('staff').addEventListener('click', function () { pin = ''; $('pin-msg').textContent = ''; show('pin'); render(); });
    Array.prototype.forEach.call(document.querySelectorAll('[data-digit]'), function (b) {
      b.addEventListener('click', function () { if (pin.length < 12) { pin += b.getAttribute('data-digit'); render(); } });
    });
    $('pin-clear').addEventListener('click', function () { pin = ''; render(); });
    $('pin-back').addEventListener('click', resetToStart);
    $('pin-ok').addEventListener('click', function () {
      var entered = pin; pin = ''; render();
      api('POST', '/api/staff/login', { pin: entered }).then(function (r) {
        if (r.status === 200) {
          token = r.body.token; $('staff-msg').textContent = ''; show('staffpanel'); loadHealth();
        } else if (r.status === 423) {
          $('pin-msg').textContent = t('locked').replace('{n}', r.body.lockedSeconds);
        } else {
          $('pin-msg').textContent = t('wrongPin').replace('{n}', r.body.attemptsLeft);
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
    var idle = Date.now() - lastTouch;
    if (current() === 'thanks' && idle >= Math.min(5000, idleMs)) { resetToStart(); return; }
    if (idle >= idleMs && (current() !== 'start' || lang !== 'zh')) { resetToStart(); }
  }, 250);
})();
