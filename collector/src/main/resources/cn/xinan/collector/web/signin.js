// The sign-in page's one script: a link from a warning (docs/warnings.md, "#room=ROOM") keeps pointing at its room
// after sign-in. A browser never sends the "#…" part to the server, so it goes into the form's "next" as a query.
"use strict";
const room = /^#room=([^&]+)$/.exec(location.hash);
if (room) {
  document.querySelector("input[name=next]").value = "/?view=room&room=" + encodeURIComponent(decodeURIComponent(room[1]));
}
