// Progressive enhancement: meeting times are printed in UTC; where JavaScript runs, show them in the
// visitor's own timezone instead (the machine-readable UTC value stays in the datetime attribute).
// Always 24-hour times, whatever the locale: the working group is international.
(function () {
  "use strict";
  var format = new Intl.DateTimeFormat(undefined, {
    weekday: "long", day: "numeric", month: "long", year: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
  });
  var times = document.querySelectorAll("time[data-local]");
  for (var i = 0; i < times.length; i++) {
    var moment = new Date(times[i].getAttribute("datetime"));
    if (!isNaN(moment.getTime())) {
      times[i].title = times[i].textContent;
      times[i].textContent = format.format(moment);
    }
  }
  var note = document.querySelector("[data-timezone-note]");
  if (note && times.length) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "your timezone";
    note.textContent = "Times are shown in your timezone (" + zone + "); hover a time to see it in UTC.";
  }
})();
