/*
 * Outreach Coach – the browser chat page.
 *
 * Plain JavaScript, no build step. Everything the page itself says comes from
 * ui-strings.json ("da"/"en"); text from the server arrives as a tree of paragraphs,
 * lists, spans and commands (see bot/channels/web/render.py) and is always inserted
 * with textContent, never parsed as markup.
 *
 * Talks to the bot through POST api/turn and renders its replies: text, tip, progress,
 * question, answered, actions and export. GET api/history gives the room's recent
 * events when the page (re)loads; GET api/events streams, as Server-Sent Events, what
 * others in the same room did and what the coach posts on its own (a reminder, a
 * debrief), so the page follows the team without a reload. Replies placed in a thread
 * go to a thread panel under the message that opened it, with its own input.
 */
(function () {
  "use strict";

  var MAX_TEXT = 4000;
  var MAX_PROJECT_NAME = 200;  // as the coach allows
  var START_GUIDE = /^start (\S+)$/;  // a guide's start button, which first asks for the project's name
  var DEFAULT_LANG = "da";
  var STORE_NAME = "outreach-coach.name";
  var STORE_LANG = "outreach-coach.lang";
  var STORE_TOKEN = "outreach-coach.token";
  var STORE_ROOM_EXPLAINED = "outreach-coach.room-explained";

  // --- state -----------------------------------------------------------------------

  var strings = {};
  var lang = DEFAULT_LANG;
  var userName = "";
  var token = null;
  var channel = "web";
  var busy = false;
  var focus;                // the room's current project as the header shows it; null: none, undefined: not yet known
  var focusLang = null;     // the language the header was drawn in
  var projectNames = {};    // project id -> name, to say whose an old question is
  var started = false;
  var clientId = randomId();
  var eventCount = 0;
  var lastEventId = null;   // the room event seen last: a new stream starts after it
  var seenEvents = {};      // ids already drawn, so history and stream never draw one twice
  var retryMs = 2000;       // the stream's own "retry:" replaces this

  var $ = function (id) { return document.getElementById(id); };
  var messages, drawInto, chat, composer, composerInput, composerSend, langSelect, nameDialog, nameInput, nameButton, typing;

  // --- small helpers ---------------------------------------------------------------

  function randomId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function storageGet(store, key) {
    try { return store.getItem(key); } catch (e) { return null; }
  }

  function storageSet(store, key, value) {
    try { store.setItem(key, value); } catch (e) { /* private mode: keep it in memory only */ }
  }

  /** A translated UI string with {placeholders} filled in. */
  function t(key, args) {
    var table = strings[lang] || {};
    var text = Object.prototype.hasOwnProperty.call(table, key) ? table[key]
      : ((strings[DEFAULT_LANG] || {})[key]);
    if (text === undefined) { text = key; }
    if (args) {
      text = text.replace(/\{(\w+)\}/g, function (whole, name) {
        if (!Object.prototype.hasOwnProperty.call(args, name)) { return whole; }
        var value = args[name];
        // Numbers read the local way (4.000 in Danish, 4,000 in English); ids are passed as strings.
        return typeof value === "number" ? formatNumber(value) : String(value);
      });
    }
    return text;
  }

  function formatNumber(value) {
    try {
      return value.toLocaleString(lang === "da" ? "da-DK" : "en-GB");
    } catch (e) {
      return String(value);
    }
  }

  /** The "_one"/"_other" form of a counted string. */
  function plural(base, count, args) {
    var all = Object.assign({ count: count }, args || {});
    return { key: base + (count === 1 ? "_one" : "_other"), args: all };
  }

  /** Give an element a translated text (or attribute) that follows language switches. */
  function translate(node, key, args, attribute) {
    var attr = attribute || "text";
    var suffix = attr === "text" ? "" : "-" + attr;
    node.setAttribute("data-i18n" + suffix, key);
    if (args) {
      node.setAttribute("data-i18n-args" + suffix, JSON.stringify(args));
    } else {
      node.removeAttribute("data-i18n-args" + suffix);
    }
    applyOne(node, attr);
    return node;
  }

  function applyOne(node, attr) {
    var suffix = attr === "text" ? "" : "-" + attr;
    var key = node.getAttribute("data-i18n" + suffix);
    if (!key) { return; }
    var rawArgs = node.getAttribute("data-i18n-args" + suffix);
    var args = null;
    if (rawArgs) {
      try { args = JSON.parse(rawArgs); } catch (e) { args = null; }
    }
    var text = t(key, args);
    if (attr === "text") {
      node.textContent = text;
    } else {
      node.setAttribute(attr, text);
    }
  }

  var ATTRIBUTES = ["text", "placeholder", "aria-label", "title"];

  function applyStrings() {
    document.documentElement.lang = lang;
    document.title = t("page_title");
    ATTRIBUTES.forEach(function (attr) {
      var suffix = attr === "text" ? "" : "-" + attr;
      var nodes = document.querySelectorAll("[data-i18n" + suffix + "]");
      Array.prototype.forEach.call(nodes, function (node) { applyOne(node, attr); });
    });
    renderNameButton();
    renderRoom();
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        var value = attrs[name];
        if (value === null || value === undefined || value === false) { return; }
        if (name === "class") {
          node.className = value;
        } else if (name === "text") {
          node.textContent = value;
        } else {
          node.setAttribute(name, value === true ? "" : String(value));
        }
      });
    }
    (children || []).forEach(function (child) {
      if (child) { node.appendChild(typeof child === "string" ? document.createTextNode(child) : child); }
    });
    return node;
  }

  var uid = 0;
  function nextId(prefix) {
    uid += 1;
    return prefix + "-" + uid;
  }

  /** A line of server text: spans (plain, strong, emph) and commands, as text nodes only. */
  function renderLine(parent, parts) {
    (parts || []).forEach(function (part) {
      var text = String(part && part.text !== undefined ? part.text : "");
      var node;
      if (part && part.kind === "command") {
        node = el("code", { "class": "command-mention", text: text });
      } else if (part && part.style === "strong") {
        node = el("strong");
        renderPlain(node, text);
      } else if (part && part.style === "emph") {
        node = el("em");
        renderPlain(node, text);
      } else {
        node = document.createDocumentFragment();
        renderPlain(node, text);
      }
      parent.appendChild(node);
    });
    return parent;
  }

  /** Structured server text: paragraphs (with line breaks) and lists. */
  function renderRich(parent, rich) {
    ((rich && rich.blocks) || []).forEach(function (block) {
      if (block.kind === "list") {
        var list = el(block.ordered ? "ol" : "ul", { "class": "msg-list" });
        var numbers = block.numbers || [];
        (block.items || []).forEach(function (item, index) {
          // A guide's questions keep their own numbers ("ret 6" always means question 6).
          var li = numbers.length ? el("li", { value: String(numbers[index]) }) : el("li");
          list.appendChild(renderLine(li, item));
        });
        parent.appendChild(list);
      } else {
        var p = el("p", { "class": "msg-text" });
        (block.lines || []).forEach(function (parts, index) {
          if (index > 0) { p.appendChild(document.createElement("br")); }
          renderLine(p, parts);
        });
        parent.appendChild(p);
      }
    });
    return parent;
  }

  function scrollToEnd() {
    chat.scrollTop = chat.scrollHeight;
  }

  // --- messages ----------------------------------------------------------------------

  function addMessage(who, type, extraClass) {
    var li = el("li", { "class": "msg " + who + (extraClass ? " " + extraClass : ""), "data-type": type });
    var sender = el("span", { "class": "visually-hidden" });
    translate(sender, who === "user" ? "sender_user" : "sender_bot");
    li.appendChild(sender);
    var bubble = el("div", { "class": "bubble" });
    li.appendChild(bubble);
    drawInto.appendChild(li);
    return bubble;
  }

  function addUserMessage(text) {
    var bubble = addMessage("user", "user");
    renderPlain(bubble, text);
    scrollToEnd();
    return bubble.parentNode;
  }

  function renderPlain(parent, text) {
    String(text).split(/\r?\n/).forEach(function (line, index) {
      if (index > 0) { parent.appendChild(document.createElement("br")); }
      parent.appendChild(document.createTextNode(line));
    });
    return parent;
  }

  /** A bot message in the error style; ``key`` for the page's own words, ``text`` for the server's. */
  function addError(text, key, args) {
    var bubble = addMessage("bot", "error", "error");
    var label = el("strong", { "class": "msg-label" });
    translate(label, "error_label");
    bubble.appendChild(label);
    var body = el("p", { "class": "msg-text", role: "alert" });
    if (key) {
      translate(body, key, args);
    } else {
      renderPlain(body, text);
    }
    bubble.appendChild(body);
    scrollToEnd();
  }

  function renderText(reply) {
    var bubble = addMessage("bot", "text");
    renderRich(bubble, reply.text);
  }

  /** A tip under one label: the guide's own opening word ("Husk!") when it has one, else "Tip". */
  function renderTip(reply) {
    var bubble = addMessage("bot", "tip", "tip");
    var label = el("strong", { "class": "msg-label" });
    if (reply.label) {
      label.textContent = String(reply.label);
    } else {
      translate(label, "tip_label");
    }
    bubble.appendChild(label);
    renderRich(bubble, reply.text);
  }

  function renderActions(reply) {
    var bubble = addMessage("bot", "actions");
    var textId = nextId("actions");
    bubble.appendChild(renderRich(el("div", { id: textId }), reply.text));
    var group = el("div", { "class": "action-buttons", role: "group", "aria-labelledby": textId });
    (reply.actions || []).forEach(function (action) {
      var button = el("button", {
        type: "button",
        "class": "action" + (action.style && action.style !== "default" ? " " + action.style : ""),
        "data-value": action.command || "",
        text: action.label
      });
      button.addEventListener("click", function () {
        var guide = action.answer ? null : START_GUIDE.exec(action.command || "");
        if (guide) {
          askProjectName(bubble, group, button, guide[1], action.label);
          return;
        }
        var payload = action.answer
          ? { answer: { step: action.answer.step, value: action.answer.value, skip: action.answer.skip } }
          : { command: action.command };
        if (action.project_id) { payload.project_id = action.project_id; }
        sendTurn(payload, { echo: action.label }).then(function (status) {
          if (status !== "failed") {
            button.classList.add("selected");
            setDisabled(group, true);
          }
        });
      });
      group.appendChild(button);
    });
    bubble.appendChild(group);
  }

  /**
   * A guide's start button first asks what to call the project, in a field under the
   * buttons with the guide's name filled in, then sends ``start <guide> <name>``.
   */
  function askProjectName(bubble, group, button, guideId, guideLabel) {
    var old = bubble.querySelector(".start-form");
    if (old) { old.parentNode.removeChild(old); }
    Array.prototype.forEach.call(group.querySelectorAll("button.action"), function (b) { b.classList.remove("current"); });
    button.classList.add("current");
    var inputId = nextId("pn");
    var form = el("form", { "class": "start-form", "data-guide": guideId, autocomplete: "off", novalidate: true });
    form.appendChild(translate(el("label", { "for": inputId, "class": "field-label" }), "start_name_label", { guide: guideLabel }));
    form.appendChild(translate(el("p", { "class": "field-hint", id: inputId + "-hint" }), "start_name_hint"));
    var input = el("input", {
      type: "text", id: inputId, "class": "start-name", maxlength: MAX_PROJECT_NAME, "aria-describedby": inputId + "-hint"
    });
    var suggested = guideLabel.replace(/\s*\([^)]*\)\s*$/, "");  // "Klubfællesskaber (Kort nr. 30)" -> "Klubfællesskaber"
    input.value = suggested;
    form.appendChild(input);
    var buttons = el("div", { "class": "question-buttons" });
    buttons.appendChild(translate(el("button", { type: "submit", "class": "primary start-submit" }), "start_submit"));
    var cancel = translate(el("button", { type: "button", "class": "secondary start-cancel" }), "start_cancel");
    buttons.appendChild(cancel);
    form.appendChild(buttons);
    bubble.appendChild(form);

    var close = function () {
      if (form.parentNode) { form.parentNode.removeChild(form); }
      button.classList.remove("current");
    };
    cancel.addEventListener("click", function () { close(); button.focus(); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); close(); button.focus(); }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) { return; }
      var name = input.value.replace(/\s+/g, " ").trim() || suggested;
      sendTurn({ command: "start " + guideId + " " + name }, { echo: t("start_echo", { guide: guideLabel, project: name }) })
        .then(function (status) {
          if (status === "failed") { return; }
          close();
          button.classList.add("selected");
          setDisabled(group, true);
        });
    });
    input.focus();
    input.select();
    scrollToEnd();
  }

  function renderExport(reply) {
    var bubble = addMessage("bot", "export", "export");
    var title = el("p", { "class": "msg-text export-title" });
    translate(title, "export_title", { project: reply.project });
    bubble.appendChild(title);
    var links = el("div", { "class": "export-links" });
    ["md", "csv", "ics"].forEach(function (format) {
      if (!reply.links || !reply.links[format]) { return; }
      // The link is signed and short-lived: it needs no access token, so none is added.
      var link = el("a", { "class": "export-link", "data-format": format, href: reply.links[format], download: true });
      translate(link, "export_" + format);
      links.appendChild(link);
    });
    bubble.appendChild(links);
  }

  /**
   * A question that someone answered: it shows the answer and who gave it, in place, and
   * its buttons or boxes show the choice however it was made (a click, words typed in the
   * chat, someone else in the room). A question this page never showed is drawn with its
   * answer, so an answer never lands out of sight.
   */
  function renderAnswered(reply) {
    var question = reply.replaces ? findQuestion(reply.replaces) : null;
    if (question) {
      deactivate(question);
      question.classList.add("answered");
      markChosen(question, String(reply.answer));
      var done = question.querySelector(".answered-by") || el("p", { "class": "answered-by" });
      translate(done, "answered_by", { by: reply.by, answer: reply.answer });
      question.appendChild(done);
      return;
    }
    var bubble = addMessage("bot", "answered");
    bubble.appendChild(el("p", { "class": "msg-text question-text", text: reply.question }));
    bubble.appendChild(translate(el("p", { "class": "answered-by" }), "answered_by", { by: reply.by, answer: reply.answer }));
  }

  /** The choice the answer names, by its label: its button is marked, boxes are ticked as
   * answered (the coach lists the ticked labels in the question's order, comma-separated).
   * An answer worded unlike any button (a step's "Udført" saved as "Ja") leaves the
   * buttons as they are. */
  function markChosen(question, answer) {
    var buttons = Array.prototype.slice.call(question.querySelectorAll("button.choice"));
    var named = buttons.filter(function (button) { return button.textContent === answer; });
    if (named.length) {
      buttons.forEach(function (button) { button.classList.toggle("selected", named.indexOf(button) !== -1); });
    }
    var rest = answer;
    Array.prototype.forEach.call(question.querySelectorAll("input[type=checkbox]"), function (box) {
      var label = box.nextSibling.textContent;
      var ticked = rest === label || rest.indexOf(label + ", ") === 0;
      box.checked = ticked;
      if (ticked) { rest = rest.slice(label.length + 2); }
    });
  }

  function findQuestion(key) {
    var found = null;
    Array.prototype.forEach.call(messages.querySelectorAll(".question[data-key]"), function (q) {
      if (q.getAttribute("data-key") === key) { found = q; }
    });
    return found;
  }

  // --- progress: the header follows the room's current project ------------------------------

  /** A progress reply in the chat: it names a project, so older questions can say whose they are. */
  function noteProject(p) {
    projectNames[String(p.project_id)] = String(p.project);
  }

  /**
   * Draw the header from the server's view of the room's current project (``p`` is null
   * when there is none). It is drawn whole in the page's language, never re-translated
   * piecemeal: after a change of language the page fetches it again (see refreshHeader).
   */
  function renderHeader(p) {
    var box = $("progress");
    if (!p) {
      box.setAttribute("data-state", "empty");
      box.removeAttribute("data-project-id");
      return;
    }
    noteProject(p);
    box.setAttribute("data-state", "active");
    box.setAttribute("data-project-id", String(p.project_id));
    $("progress-project").textContent = t("progress_project", { id: String(p.project_id), project: p.project });
    $("progress-guide").textContent = t("progress_guide", { guide: p.guide });
    // The section as the document names it ("Step 2: ...", "Trin 3.A: ..."), and the
    // question's place among the questions on the team's own path ("12 af 31").
    $("progress-section").textContent = p.section;
    var total = Math.max(1, Number(p.questions) || 1);
    var number = Math.min(total, Math.max(0, Number(p.question) || 0));
    var counted = t("progress_question", { number: number, total: total });
    $("progress-answered").textContent = counted;
    var bar = $("progress-bar");
    bar.setAttribute("aria-valuemax", String(total));
    bar.setAttribute("aria-valuenow", String(number));
    bar.setAttribute("aria-valuetext", p.section + " · " + counted);
    $("progress-fill").style.width = (100 * number / total) + "%";
  }

  /**
   * The room's current project is ``p`` (null: none). The header shows it, and every
   * question of another project is marked as such and can no longer be answered: a
   * click there would answer a project the team has left. Returns whether the
   * current project changed from a known one to another.
   */
  function setFocus(p) {
    var before = focus;
    focus = p || null;
    focusLang = lang;
    renderHeader(focus);
    markOtherProjects();
    return before !== undefined && focus !== null && (before === null || before.project_id !== focus.project_id);
  }

  function markOtherProjects() {
    var current = focus ? String(focus.project_id) : null;
    Array.prototype.forEach.call(messages.querySelectorAll(".question[data-project-id]"), function (q) {
      var id = q.getAttribute("data-project-id");
      var note = q.querySelector(".question-owner");
      if (id === current) {
        q.classList.remove("other-project");
        if (note) { note.parentNode.removeChild(note); }
        return;
      }
      deactivate(q);
      q.classList.add("other-project");
      if (!note) {
        note = el("p", { "class": "question-owner" });
        q.insertBefore(note, q.firstChild);
      }
      translate(note, "question_other_project", { project: projectNames[id] || "#" + id });
    });
  }

  /** Ask the server for the room's current project, in the page's language (after someone
   * else's turn, a reload or a change of language). */
  function refreshHeader() {
    var asked = lang;
    var url = "api/progress?conversation=" + encodeURIComponent(channel) + "&lang=" + encodeURIComponent(asked);
    var headers = token ? { Authorization: "Bearer " + token } : {};
    return fetch(url, { headers: headers, credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (!response.ok) { return; }
      return response.json().then(function (data) {
        if (asked === lang && data && "progress" in data) { setFocus(data.progress); }
      });
    }).catch(function () { /* the next turn brings the header along */ });
  }

  // --- questions ---------------------------------------------------------------------

  function setDisabled(container, disabled) {
    Array.prototype.forEach.call(container.querySelectorAll("button, input, textarea, select"), function (node) {
      node.disabled = disabled;
    });
  }

  function deactivate(question) {
    question.classList.add("inactive");
    question.setAttribute("data-active", "false");
    setDisabled(question, true);
  }

  function deactivateAllQuestions(except) {
    Array.prototype.forEach.call(messages.querySelectorAll(".question[data-active='true']"), function (q) {
      if (q !== except) { deactivate(q); }
    });
  }

  function showFieldError(question, key, args) {
    var error = question.querySelector(".field-error");
    if (!key) {
      error.hidden = true;
      error.removeAttribute("data-i18n");
      error.textContent = "";
      return;
    }
    translate(error, key, args);
    error.hidden = false;
  }

  function formatDate(iso) {
    var match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
    if (!match) { return iso; }
    var date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    try {
      return date.toLocaleDateString(lang === "da" ? "da-DK" : "en-GB", { day: "numeric", month: "long", year: "numeric" });
    } catch (e) {
      return iso;
    }
  }

  function listLines(text) {
    return text.split(/\r?\n/).map(function (line) { return line.trim(); }).filter(Boolean);
  }

  function choiceMatches(kind, choice, current) {
    if (current === null || current === undefined) { return false; }
    if (kind === "confirm") { return String(current) === choice.value; }
    if (Array.isArray(current)) { return current.indexOf(choice.value) !== -1; }
    return String(current) === choice.value;
  }

  function renderQuestion(q) {
    var bubble = addMessage("bot", "question", "has-question");
    var kind = q.kind;
    var hasCurrent = q.current !== null && q.current !== undefined &&
      !(Array.isArray(q.current) && q.current.length === 0 && kind !== "checklist");
    var box = el("form", {
      "class": "question",
      "data-step": q.step,
      "data-key": "question:" + q.project_id + ":" + q.step,
      "data-kind": kind,
      "data-project-id": q.project_id,
      "data-required": q.required === false ? "false" : "true",
      "data-min-items": q.min_items || null,
      "data-max-items": q.max_items || null,
      "data-active": "true",
      novalidate: true
    });
    var textId = nextId("q");
    var helpId = nextId("qh");
    var errorId = nextId("qe");

    var head = el("div", { "class": "question-head" });
    head.appendChild(renderPlain(el("p", { "class": "question-text", id: textId }), q.text));
    if (q.required === false) {
      head.appendChild(translate(el("span", { "class": "badge" }), "question_optional"));
    }
    box.appendChild(head);
    if (q.help) {
      box.appendChild(renderPlain(el("p", { "class": "question-help", id: helpId }), q.help));
    }
    if (hasCurrent) {
      box.appendChild(translate(el("p", { "class": "question-current" }), "question_current"));
    }
    var describedBy = (q.help ? helpId + " " : "") + errorId;

    var send = function (value, echo) {
      return sendTurn(
        { answer: { step: q.step, value: value }, project_id: q.project_id },
        { echo: echo, question: box }
      );
    };

    var controls = el("div", { "class": "question-controls" });
    var submit = null;
    var firstControl = null;

    if (kind === "single_choice" || kind === "confirm") {
      var group = el("div", { "class": "choices", role: "group", "aria-labelledby": textId });
      (q.choices || []).forEach(function (choice) {
        var button = el("button", {
          type: "button",
          "class": "choice" + (choiceMatches(kind, choice, q.current) ? " current" : ""),
          "data-value": choice.value,
          "aria-describedby": describedBy,
          text: choice.label
        });
        button.addEventListener("click", function () {
          var value = choice.value;
          if (kind === "confirm") { value = choice.value === "true"; }
          send(value, choice.label).then(function (status) {
            if (status === "ok") { button.classList.add("selected"); }
          });
        });
        if (!firstControl) { firstControl = button; }
        group.appendChild(button);
      });
      controls.appendChild(group);
    } else if (kind === "multi_choice" || kind === "checklist") {
      var fieldset = el("fieldset", { "class": "checks", "aria-describedby": describedBy });
      fieldset.appendChild(renderPlain(el("legend", { "class": "visually-hidden" }), q.text));
      var hint = el("p", { "class": "field-hint" });
      translate(hint, kind === "checklist" ? "checklist_hint" : "multi_hint");
      fieldset.appendChild(hint);
      (q.choices || []).forEach(function (choice) {
        var id = nextId("c");
        var input = el("input", {
          type: "checkbox", id: id, name: q.step, value: choice.value,
          "class": "check", "data-value": choice.value
        });
        input.checked = choiceMatches(kind, choice, q.current);
        if (!firstControl) { firstControl = input; }
        fieldset.appendChild(el("div", { "class": "check-row" }, [
          input,
          el("label", { "for": id, text: choice.label })
        ]));
      });
      controls.appendChild(fieldset);
      submit = function () {
        var checked = Array.prototype.filter.call(fieldset.querySelectorAll("input[type=checkbox]"), function (i) {
          return i.checked;
        });
        var values = checked.map(function (i) { return i.value; });
        if (kind === "multi_choice" && values.length === 0) {
          showFieldError(box, "multi_needs_one");
          return;
        }
        var labels = checked.map(function (i) { return i.nextSibling.textContent; });
        send(values, labels.length ? labels.join("\n") : { key: "user_answer_nothing" });
      };
    } else if (kind === "text" || kind === "list") {
      var areaId = nextId("a");
      var area = el("textarea", {
        id: areaId,
        "class": "answer-text",
        rows: kind === "list" ? 5 : 4,
        "aria-labelledby": textId,
        "aria-describedby": describedBy + " " + areaId + "-meta"
      });
      if (hasCurrent) {
        area.value = Array.isArray(q.current) ? q.current.join("\n") : String(q.current);
      }
      firstControl = area;
      controls.appendChild(area);
      var meta = el("p", { "class": "field-meta", id: areaId + "-meta" });
      var counter = el("span", { "class": "counter" });
      if (kind === "list") {
        var listHint = el("span", { "class": "field-hint" });
        translate(listHint, "list_hint");
        meta.appendChild(listHint);
        if (q.min_items) {
          meta.appendChild(document.createTextNode(" "));
          meta.appendChild(translate(el("span", { "class": "field-hint" }), "list_min", { min: q.min_items }));
        }
        if (q.max_items) {
          meta.appendChild(document.createTextNode(" "));
          meta.appendChild(translate(el("span", { "class": "field-hint" }), "list_max", { max: q.max_items }));
        }
      }
      meta.appendChild(counter);
      controls.appendChild(meta);
      var updateCounter = function () {
        if (kind === "list") {
          var count = listLines(area.value).length;
          var form = plural("list_count", count);
          translate(counter, form.key, form.args);
          counter.classList.toggle("over", Boolean(q.max_items && count > q.max_items));
        } else {
          translate(counter, "text_counter", { count: area.value.length, max: MAX_TEXT });
          counter.classList.toggle("over", area.value.length > MAX_TEXT);
        }
      };
      area.addEventListener("input", function () {
        updateCounter();
        if (!box.querySelector(".field-error").hidden) { showFieldError(box, null); }
      });
      area.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          submit();
        }
      });
      updateCounter();
      submit = function () {
        if (kind === "text") {
          var value = area.value.trim();
          if (!value) { showFieldError(box, "text_empty"); area.focus(); return; }
          if (value.length > MAX_TEXT) {
            showFieldError(box, "text_too_long", { count: value.length, max: MAX_TEXT });
            area.focus();
            return;
          }
          send(value, value);
        } else {
          var lines = listLines(area.value);
          if (!lines.length) { showFieldError(box, "text_empty"); area.focus(); return; }
          // One line may hold several items ("A, B og C"): the coach splits it and says
          // what it understood, so only lines typed one by one are counted here.
          var counted = lines.length > 1;
          if (counted && q.min_items && lines.length < q.min_items) {
            showFieldError(box, "list_too_few", { min: q.min_items }); area.focus(); return;
          }
          if (counted && q.max_items && lines.length > q.max_items) {
            showFieldError(box, "list_too_many", { max: q.max_items }); area.focus(); return;
          }
          var tooLong = lines.filter(function (line) { return line.length > MAX_TEXT; })[0];
          if (tooLong) {
            showFieldError(box, "text_too_long", { count: tooLong.length, max: MAX_TEXT }); area.focus(); return;
          }
          send(lines, lines.map(function (line) { return "• " + line; }).join("\n"));
        }
      };
    } else if (kind === "date") {
      var dateId = nextId("d");
      var label = el("label", { "for": dateId, "class": "field-label" });
      translate(label, "date_label");
      var input = el("input", {
        type: "date", id: dateId, "class": "answer-date", "aria-describedby": describedBy
      });
      if (typeof q.current === "string" && /^\d{4}-\d{2}-\d{2}/.test(q.current)) {
        input.value = q.current.slice(0, 10);
      }
      firstControl = input;
      controls.appendChild(el("div", { "class": "date-row" }, [label, input]));
      submit = function () {
        var value = input.value;
        if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) { showFieldError(box, "date_empty"); input.focus(); return; }
        send(value, formatDate(value));
      };
    } else if (kind === "dates") {
      // Several dates (the next events and the following ones): typed as people write
      // them, read by the coach, which says back the dates it understood.
      var datesId = nextId("a");
      var datesHint = el("p", { "class": "field-hint", id: datesId + "-hint" });
      translate(datesHint, "dates_hint");
      var dates = el("textarea", {
        id: datesId, "class": "answer-dates", rows: 3,
        "aria-labelledby": textId, "aria-describedby": describedBy + " " + datesId + "-hint"
      });
      if (Array.isArray(q.current)) { dates.value = q.current.map(formatDate).join("\n"); }
      firstControl = dates;
      controls.appendChild(dates);
      controls.appendChild(datesHint);
      submit = function () {
        var value = dates.value.trim();
        if (!value) { showFieldError(box, "date_empty"); dates.focus(); return; }
        send(value, value);
      };
    } else {
      // A kind this page does not know yet: a plain text field still answers it.
      var fallback = el("textarea", { "class": "answer-text", rows: 3, "aria-labelledby": textId });
      firstControl = fallback;
      controls.appendChild(fallback);
      submit = function () {
        var value = fallback.value.trim();
        if (!value) { showFieldError(box, "text_empty"); return; }
        sendTurn({ text: value }, { echo: value, question: box });
      };
    }

    box.appendChild(controls);
    box.appendChild(el("p", { "class": "field-error", id: errorId, role: "alert", hidden: true }));

    var buttons = el("div", { "class": "question-buttons" });
    if (submit) {
      buttons.appendChild(translate(el("button", { type: "submit", "class": "primary submit-answer" }), "answer_submit"));
    }
    if (q.required === false) {
      var skip = el("button", { type: "button", "class": "secondary skip-step" });
      translate(skip, "answer_skip");
      skip.addEventListener("click", function () {
        sendTurn(
          { answer: { step: q.step, value: null, skip: true }, project_id: q.project_id },
          { echo: { key: "user_answer_skipped" }, question: box }
        );
      });
      buttons.appendChild(skip);
    }
    if (buttons.childNodes.length) { box.appendChild(buttons); }

    box.addEventListener("submit", function (event) {
      event.preventDefault();
      if (submit && box.getAttribute("data-active") === "true" && !busy) {
        showFieldError(box, null);
        submit();
      }
    });

    bubble.appendChild(box);
    deactivateAllQuestions(box);
    return { box: box, focus: firstControl };
  }

  // --- talking to the server -----------------------------------------------------------

  function apiHeaders() {
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    if (token) { headers.Authorization = "Bearer " + token; }
    return headers;
  }

  function setBusy(value) {
    busy = value;
    messages.setAttribute("data-busy", value ? "true" : "false");
    typing.hidden = !value;
    composerSend.disabled = value;
    Array.prototype.forEach.call(document.querySelectorAll("#command-bar button"), function (b) { b.disabled = value; });
    if (value) { scrollToEnd(); }
  }

  function finishTurn() {
    messages.setAttribute("data-turns", String(Number(messages.getAttribute("data-turns") || 0) + 1));
    setBusy(false);
    scrollToEnd();
  }

  /** Draw replies; returns the question among them, if any. */
  function renderReplies(replies) {
    var newQuestion = null;
    replies.forEach(function (reply) {
      if (!reply) { return; }
      // A reply placed in a thread is drawn in that thread's panel.
      drawInto = reply.thread ? threadPanel(String(reply.thread)).list : messages;
      try {
        switch (reply.type) {
          case "text": renderText(reply); break;
          case "tip": renderTip(reply); break;
          case "progress": noteProject(reply); break;
          case "question": newQuestion = renderQuestion(reply); break;
          case "answered": renderAnswered(reply); break;
          case "actions": renderActions(reply); break;
          case "export": renderExport(reply); break;
          default: break;
        }
      } finally {
        drawInto = messages;
      }
    });
    return newQuestion;
  }

  // --- threads: a debrief's replies, in a panel under the message that opened it ------------

  function findByAttribute(container, selector, name, value) {
    var found = null;
    Array.prototype.forEach.call(container.querySelectorAll(selector), function (node) {
      if (node.getAttribute(name) === value) { found = node; }
    });
    return found;
  }

  /** The panel of thread ``id``, made on first use: after the message that opened it, else at the end. */
  function threadPanel(id) {
    var item = findByAttribute(messages, "li.thread", "data-thread", id);
    if (item) { return item.panel; }
    item = el("li", { "class": "msg thread", "data-thread": id });
    var titleId = nextId("thread");
    var box = el("section", { "class": "thread-panel", "aria-labelledby": titleId });
    box.appendChild(translate(el("h3", { "class": "thread-title", id: titleId }), "thread_title"));
    var list = el("ol", { "class": "thread-messages", role: "log", "aria-live": "polite" });
    box.appendChild(list);
    var form = el("form", { "class": "thread-composer", autocomplete: "off" });
    var inputId = nextId("ti");
    form.appendChild(translate(el("label", { "for": inputId, "class": "visually-hidden" }), "thread_input_label"));
    var editing = el("p", { "class": "thread-editing", hidden: true });
    editing.appendChild(translate(el("span"), "thread_editing"));
    var cancel = translate(el("button", { type: "button", "class": "link-like thread-cancel" }), "thread_cancel");
    editing.appendChild(cancel);
    form.appendChild(editing);
    var input = el("textarea", { id: inputId, "class": "thread-input", rows: 2, maxlength: MAX_TEXT });
    translate(input, "thread_placeholder", null, "placeholder");
    form.appendChild(input);
    var send = translate(el("button", { type: "submit", "class": "primary thread-send" }), "thread_send");
    form.appendChild(send);
    box.appendChild(form);
    item.appendChild(box);

    var panel = { id: id, item: item, list: list, form: form, input: input, send: send, editing: editing, editId: null };
    item.panel = panel;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      sendInThread(panel);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        sendInThread(panel);
      } else if (event.key === "Escape" && panel.editId) {
        stopEditing(panel);
      }
    });
    cancel.addEventListener("click", function () { stopEditing(panel); });

    var opener = findByAttribute(messages, "li[data-message-id]", "data-message-id", id);
    if (opener && opener.parentNode === messages) {
      messages.insertBefore(item, opener.nextSibling);
    } else {
      messages.appendChild(item);
    }
    return panel;
  }

  function ownName() {
    return userName || t("name_default");
  }

  /** A person's message in a thread; one's own can be edited and deleted. */
  function addThreadMessage(panel, message) {
    var own = message.by === ownName();
    var li = el("li", { "class": "msg " + (own ? "user" : "peer") + " thread-message", "data-message-id": message.message_id });
    var bubble = el("div", { "class": "bubble" });
    if (!own) { bubble.appendChild(translate(el("span", { "class": "thread-by" }), "thread_by", { name: message.by })); }
    bubble.appendChild(renderPlain(el("p", { "class": "msg-text thread-text" }), message.text));
    li.appendChild(bubble);
    if (own && message.message_id) {
      var tools = el("div", { "class": "thread-tools" });
      var edit = translate(el("button", { type: "button", "class": "link-like thread-edit" }), "thread_edit");
      var remove = translate(el("button", { type: "button", "class": "link-like thread-delete" }), "thread_delete");
      edit.addEventListener("click", function () { startEditing(panel, li); });
      remove.addEventListener("click", function () { deleteInThread(panel, li); });
      tools.appendChild(edit);
      tools.appendChild(remove);
      li.appendChild(tools);
    }
    panel.list.appendChild(li);
    scrollToEnd();
    return li;
  }

  function threadMessage(panel, messageId) {
    return findByAttribute(panel.list, "li.thread-message", "data-message-id", messageId);
  }

  function showEdited(li, text) {
    var body = li.querySelector(".thread-text");
    body.textContent = "";
    renderPlain(body, text);
    if (!li.querySelector(".thread-edited")) {
      li.querySelector(".bubble").appendChild(translate(el("span", { "class": "thread-edited" }), "thread_edited"));
    }
  }

  /** What someone wrote in a thread (from the room or the history): new, edited or deleted. */
  function applyThreadMessage(message) {
    if (!message || !message.thread || !message.message_id) { return; }
    var panel = threadPanel(String(message.thread));
    var known = threadMessage(panel, String(message.message_id));
    if (message.change === "deleted") {
      if (known) { known.parentNode.removeChild(known); }
    } else if (message.change === "edited" && known) {
      showEdited(known, String(message.text || ""));
    } else if (!known) {
      addThreadMessage(panel, {
        message_id: String(message.message_id), text: String(message.text || ""), by: String(message.by || "")
      });
    }
  }

  function startEditing(panel, li) {
    panel.editId = li.getAttribute("data-message-id");
    panel.input.value = li.querySelector(".thread-text").innerText;
    panel.editing.hidden = false;
    translate(panel.send, "thread_save");
    panel.input.focus();
  }

  function stopEditing(panel) {
    panel.editId = null;
    panel.editing.hidden = true;
    panel.input.value = "";
    translate(panel.send, "thread_send");
  }

  /** Send what was typed in a thread panel: a new reply, or the new text of one's own reply. */
  function sendInThread(panel) {
    var typed = panel.input.value.trim();
    if (!typed || busy) { return; }
    var editId = panel.editId;
    var messageId = editId || "m" + randomId();
    var payload = { text: typed, thread: panel.id, message_id: messageId };
    var echo = null;
    if (editId) {
      payload.change = "edited";
    } else {
      echo = addThreadMessage(panel, { message_id: messageId, text: typed, by: ownName() });
    }
    sendTurn(payload, {}).then(function (status) {
      if (status === "failed") {
        if (echo) { echo.parentNode.removeChild(echo); }  // the text stays in the input to send again
        return;
      }
      var known = threadMessage(panel, messageId);
      if (editId && known) { showEdited(known, typed); }
      if (editId) { stopEditing(panel); } else { panel.input.value = ""; }
    });
  }

  function deleteInThread(panel, li) {
    if (busy) { return; }
    var messageId = li.getAttribute("data-message-id");
    sendTurn({ thread: panel.id, message_id: messageId, change: "deleted" }, {}).then(function (status) {
      if (status !== "failed" && li.parentNode) { li.parentNode.removeChild(li); }
      if (panel.editId === messageId) { stopEditing(panel); }
    });
  }

  // --- the room: what others in the same conversation did, and what the coach posts --------

  function countRemote() {
    messages.setAttribute("data-remote-events", String(Number(messages.getAttribute("data-remote-events") || 0) + 1));
  }

  /** Someone else's turn: a label, then what the coach answered for the whole room. */
  function showTurn(event, earlier) {
    if (!Array.isArray(event.replies)) { return; }
    var actor = String(event.actor || "");
    if (event.replies.some(function (reply) { return reply && !reply.thread; })) {
      var label = addMessage("bot", "remote", "remote");
      translate(label, earlier ? "history_said" : "remote_said", { name: actor });
    }
    applyThreadMessage(event.message);
    var asked = renderReplies(event.replies);
    if (asked && asked.box) { asked.box.setAttribute("data-remote", "true"); }
    if (!earlier) { refreshHeader(); }  // their turn may have switched or deleted the current project
  }

  /** A message the coach posted on its own; its id is the thread its replies will carry. */
  function showDelivered(event) {
    if (!Array.isArray(event.replies)) { return; }
    if (!event.replies.some(function (reply) { return reply && !reply.thread; })) {
      renderReplies(event.replies);  // all of it goes into a thread that is already there
      return;
    }
    var label = addMessage("bot", "remote", "remote delivered-label");
    if (event.recipient) {
      translate(label, "coach_wrote_to", { name: String(event.recipient) });
    } else {
      translate(label, "coach_wrote");
    }
    var before = messages.children.length;
    renderReplies(event.replies);
    var drawn = Array.prototype.slice.call(messages.children, before).filter(function (li) {
      return !li.classList.contains("thread");
    });
    var last = drawn[drawn.length - 1];
    if (!last || !event.message_id) { return; }
    var messageId = String(event.message_id);
    last.setAttribute("data-message-id", messageId);
    var open = translate(el("button", { type: "button", "class": "link-like thread-open" }), "thread_open");
    open.addEventListener("click", function () { threadPanel(messageId).input.focus(); });
    last.querySelector(".bubble").appendChild(open);
  }

  /** Draw one room event once; ``earlier`` when it comes from the history of a (re)loaded page. */
  function showEvent(event, earlier) {
    if (!event || typeof event !== "object") { return; }
    if (event.id) {
      if (seenEvents[event.id]) { return; }
      seenEvents[event.id] = true;
      lastEventId = String(event.id);
    }
    if (event.type === "turn") {
      showTurn(event, earlier);
    } else if (event.type === "delivered") {
      showDelivered(event);
    } else {
      return;
    }
    if (!earlier) { countRemote(); }
    scrollToEnd();
  }

  /** The room's recent events, drawn as they happened; resolves to how many there were. */
  function loadHistory() {
    var url = "api/history?conversation=" + encodeURIComponent(channel);
    var headers = token ? { Authorization: "Bearer " + token } : {};
    return fetch(url, { headers: headers, credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (!response.ok) { return 0; }
      return response.json().then(function (data) {
        var events = Array.isArray(data && data.events) ? data.events : [];
        events.forEach(function (event) { showEvent(event, true); });
        deactivateAllQuestions(null);  // "status" asks the current question again, below
        messages.setAttribute("data-history", String(events.length));
        return events.length;
      });
    }).catch(function () { return 0; });
  }

  /** Server-Sent Events from a streamed body: frames end at a blank line; ": ping" is a comment. */
  function readFrames(text, onFrame) {
    var blocks = text.split("\n\n");
    var rest = blocks.pop();
    blocks.forEach(function (block) {
      var frame = { event: "message", id: null, data: [] };
      block.split("\n").forEach(function (line) {
        if (!line || line.charAt(0) === ":") { return; }
        var colon = line.indexOf(":");
        var name = colon < 0 ? line : line.slice(0, colon);
        var value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (name === "data") {
          frame.data.push(value);
        } else if (name === "event") {
          frame.event = value;
        } else if (name === "id") {
          frame.id = value;
        } else if (name === "retry" && /^\d+$/.test(value)) {
          retryMs = Number(value);
        }
      });
      onFrame(frame);
    });
    return rest;
  }

  function onFrame(frame) {
    if (frame.event === "ready") {
      messages.setAttribute("data-listening", "true");
      return;
    }
    var event;
    try { event = JSON.parse(frame.data.join("\n")); } catch (e) { return; }  // a broken frame is skipped
    if (frame.id) { event.id = frame.id; }
    showEvent(event, false);
  }

  /**
   * Follow the room's stream. EventSource cannot send the Authorization header, so the
   * stream is read with fetch; after a drop the page reconnects (after the server's
   * "retry:", growing while the server stays away) and says which event it saw last,
   * so it gets what it missed.
   */
  function listen(delay) {
    var url = "api/events?conversation=" + encodeURIComponent(channel) + "&client=" + encodeURIComponent(clientId);
    var headers = { Accept: "text/event-stream" };
    if (token) { headers.Authorization = "Bearer " + token; }
    if (lastEventId) { headers["Last-Event-ID"] = lastEventId; }
    fetch(url, { headers: headers, credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (!response.ok || !response.body) { throw new Error("events " + response.status); }
      delay = 0;
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      var pump = function () {
        return reader.read().then(function (chunk) {
          if (chunk.done) { throw new Error("events ended"); }
          buffer = readFrames((buffer + decoder.decode(chunk.value, { stream: true })).replace(/\r\n?/g, "\n"), onFrame);
          return pump();
        });
      };
      return pump();
    }).catch(function () {
      messages.setAttribute("data-listening", "false");
      var wait = Math.max(retryMs, delay || 0);
      window.setTimeout(function () { listen(Math.min(wait * 2, 30000)); }, wait);
    });
  }

  /** Carry what the person entered in a refused widget over to the question asked again. */
  function copyEntries(from, to) {
    var source = from.querySelectorAll("textarea, input");
    var target = to.querySelectorAll("textarea, input");
    if (source.length !== target.length) { return; }
    Array.prototype.forEach.call(source, function (node, index) {
      if (node.type === "checkbox") {
        target[index].checked = node.checked;
      } else {
        target[index].value = node.value;
        target[index].dispatchEvent(new Event("input"));
      }
    });
  }

  /**
   * Send one turn. ``options.echo`` is shown as the user's message (a string, or
   * {key} for a UI string); ``options.question`` is the question widget it answers.
   * Resolves to "ok", "rejected" (the server re-asked the same question, so the
   * answer was refused) or "failed" (HTTP or network error).
   */
  function sendTurn(payload, options) {
    options = options || {};
    if (busy) { return Promise.resolve("failed"); }
    var question = options.question || null;
    eventCount += 1;
    var body = Object.assign({
      conversation: channel, user: userName || t("name_default"), lang: lang,
      client: clientId, event: "e" + eventCount
    }, payload);
    setBusy(true);
    if (question) { setDisabled(question, true); }
    var echoNode = null;
    if (options.echo !== undefined && options.echo !== null) {
      if (typeof options.echo === "object") {
        echoNode = addUserMessage("");
        translate(echoNode.querySelector(".bubble"), options.echo.key);
      } else {
        echoNode = addUserMessage(options.echo);
      }
    }
    var focusedComposer = document.activeElement === composerInput;

    var failed = function () {
      if (echoNode) { echoNode.classList.add("failed"); }
      if (question && question.getAttribute("data-active") === "true") { setDisabled(question, false); }
      finishTurn();
      return "failed";
    };

    return fetch("api/turn", {
      method: "POST",
      headers: apiHeaders(),
      body: JSON.stringify(body),
      credentials: "same-origin"
    }).then(function (response) {
      return response.text().then(function (raw) {
        var data = null;
        try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
        if (response.status === 401) {
          addError(null, "error_unauthorized");
          return failed();
        }
        if (!response.ok || !data || !Array.isArray(data.replies)) {
          if (data && typeof data.error === "string" && data.error) {
            addError(data.error);
          } else if (response.status === 413) {
            addError(null, "error_too_large");
          } else {
            addError(null, "error_server", { status: response.status });
          }
          return failed();
        }
        var before = messages.children.length;
        var asked = renderReplies(data.replies);
        if ("progress" in data && setFocus(data.progress) && movedFocusQuietly(payload)) {
          sayCurrentProject();
        }
        var answering = payload.text !== undefined || (payload.answer && !payload.answer.skip);
        var rejected = Boolean(answering && asked && question &&
          asked.box.getAttribute("data-step") === question.getAttribute("data-step") &&
          asked.box.getAttribute("data-project-id") === question.getAttribute("data-project-id"));
        if (rejected) {
          // The words before the question say why the answer was refused: style them as a warning.
          var fresh = Array.prototype.slice.call(messages.children, before);
          for (var i = 0; i < fresh.length && fresh[i].getAttribute("data-type") !== "question"; i += 1) {
            if (fresh[i].getAttribute("data-type") === "text") { fresh[i].classList.add("rejected"); }
          }
          if (payload.answer) { copyEntries(question, asked.box); }
        }
        if (!asked && (payload.answer || payload.text !== undefined) && question) {
          deactivate(question);
        } else if (!asked && payload.text !== undefined && !payload.thread) {
          // A typed answer that led nowhere new (e.g. the guide finished): the open question is done.
          deactivateAllQuestions(null);
        }
        finishTurn();
        if (asked && asked.focus && !focusedComposer && !options.silent) {
          asked.focus.focus({ preventScroll: true });
          scrollToEnd();
        }
        return rejected ? "rejected" : "ok";
      });
    }, function () {
      addError(null, "error_network");
      return failed();
    });
  }

  /** Whether a turn that moved the room to another project did so without the coach
   * saying which: an answer to another project's question (a reminder's button), or a
   * delete, after which the project touched last before it is the current one. */
  function movedFocusQuietly(payload) {
    return payload.command === undefined || /^(delete|slet)\b/i.test(payload.command);
  }

  /** Say which project is current now, with a button that shows where it stands. */
  function sayCurrentProject() {
    var note = addMessage("bot", "note", "note focus-note");
    note.appendChild(translate(el("p", { "class": "msg-text" }), "focus_moved", {
      project: focus.project, id: String(focus.project_id)
    }));
    var show = translate(el("button", { type: "button", "class": "action show-status" }), "focus_show");
    show.addEventListener("click", function () {
      sendTurn({ command: "status" }, { echo: show.textContent }).then(function (status) {
        if (status !== "failed") { show.disabled = true; }
      });
    });
    note.appendChild(el("div", { "class": "action-buttons" }, [show]));
  }

  // --- composer and command bar ------------------------------------------------------

  function autoGrow() {
    composerInput.style.height = "auto";
    composerInput.style.height = Math.min(composerInput.scrollHeight, 200) + "px";
  }

  function onComposerSubmit(event) {
    event.preventDefault();
    if (busy) { return; }
    var raw = composerInput.value;
    var typed = raw.trim();
    if (!typed) { return; }
    var payload;
    if (typed.charAt(0) === "/") {
      var command = typed.replace(/^\/outreach(\s+|$)/i, "").replace(/^\//, "").trim();
      payload = { command: command || "help" };
    } else {
      payload = { text: typed };
    }
    var active = messages.querySelector(".question[data-active='true']");
    sendTurn(payload, { echo: typed, question: payload.text !== undefined ? active : null }).then(function (status) {
      // A refused answer (the same question comes back) stays in the box to be fixed.
      if (status === "ok" && composerInput.value === raw) {
        composerInput.value = "";
        autoGrow();
      }
    });
  }

  function onCommandClick(event) {
    var button = event.target.closest("button[data-command]");
    if (!button || busy) { return; }
    sendTurn({ command: button.getAttribute("data-command") }, { echo: button.textContent });
  }

  // --- name and language ---------------------------------------------------------------

  function renderNameButton() {
    if (!nameButton) { return; }
    translate(nameButton, "name_button", { name: userName || t("name_default") });
    translate(nameButton, "name_button_title", null, "title");
  }

  /** The room's name in the header: everyone who opens the page with it shares the conversation. */
  function renderRoom() {
    translate($("room"), "room_label", { room: channel });
  }

  /** Once in a browser: what a room is, and that the coach calls it a channel ("kanal"),
   * as it does on Slack and Teams. */
  function explainRoom() {
    if (storageGet(localStorage, STORE_ROOM_EXPLAINED)) { return; }
    translate(addMessage("bot", "note", "note room-note"), "room_explained", { room: channel });
    storageSet(localStorage, STORE_ROOM_EXPLAINED, "1");
  }

  function askName() {
    nameInput.value = userName;
    translate(nameInput, "name_placeholder", null, "placeholder");
    if (typeof nameDialog.showModal === "function") {
      nameDialog.showModal();
    } else {
      nameDialog.setAttribute("open", "");
    }
    nameInput.focus();
  }

  function onNameChosen() {
    var chosen = nameInput.value.replace(/\s+/g, " ").trim();
    userName = chosen || userName || t("name_default");
    storageSet(localStorage, STORE_NAME, userName);
    renderNameButton();
    if (nameDialog.open && typeof nameDialog.close === "function") { nameDialog.close(); }
    nameDialog.removeAttribute("open");
    begin();
  }

  function onLanguageChange() {
    var chosen = langSelect.value;
    if (!strings[chosen]) { return; }
    lang = chosen;
    storageSet(localStorage, STORE_LANG, lang);
    applyStrings();
    if (focus && focusLang !== lang) { refreshHeader(); }
  }

  // --- start -----------------------------------------------------------------------------

  function begin() {
    if (started) { return; }
    started = true;
    composerInput.focus();
    explainRoom();
    // Show where this conversation stands: its projects (or the guides, when there are
    // none), then the open question of the current project so the team can carry on.
    // A room with history shows it, then welcomes back with the current question.
    loadHistory().then(function (shown) {
      listen(0);
      if (shown) {
        welcomeBack();
        return;
      }
      sendTurn({ command: "projects" }, { silent: true }).then(function (status) {
        var hasProjects = status === "ok" && !messages.querySelector(".msg.bot[data-type='actions']");
        if (hasProjects) { welcomeBack(); }
      });
    });
  }

  function welcomeBack() {
    translate(addMessage("bot", "welcome", "welcome"), "welcome_back");
    sendTurn({ command: "status" }, { silent: true });
  }

  function readLocation() {
    var params = new URLSearchParams(window.location.search);
    var named = (params.get("channel") || "").trim();
    channel = named || "web";
    var fromUrl = params.get("token");
    if (fromUrl) {
      token = fromUrl;
      storageSet(sessionStorage, STORE_TOKEN, token);
      // Keep the token out of the address bar (and so out of bookmarks and screenshots).
      params.delete("token");
      var query = params.toString();
      try {
        window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
      } catch (e) { /* not fatal */ }
    } else {
      token = storageGet(sessionStorage, STORE_TOKEN);
    }
  }

  function init() {
    messages = $("messages");
    drawInto = messages;
    chat = $("chat");
    composer = $("composer");
    composerInput = $("composer-input");
    composerSend = $("composer-send");
    langSelect = $("lang");
    nameDialog = $("name-dialog");
    nameInput = $("name-input");
    nameButton = $("name-button");
    typing = $("typing");

    readLocation();

    var stringHeaders = token ? { Authorization: "Bearer " + token } : {};
    fetch("static/ui-strings.json", { cache: "no-cache", headers: stringHeaders }).then(function (response) {
      if (!response.ok) { throw new Error("ui-strings " + response.status); }
      return response.json();
    }).then(function (loaded) {
      strings = loaded;
      var stored = storageGet(localStorage, STORE_LANG);
      lang = stored && strings[stored] ? stored : DEFAULT_LANG;
      langSelect.value = lang;
      userName = (storageGet(localStorage, STORE_NAME) || "").trim();
      applyStrings();
      $("app").hidden = false;

      composer.addEventListener("submit", onComposerSubmit);
      composerInput.addEventListener("input", autoGrow);
      composerInput.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          composer.requestSubmit ? composer.requestSubmit() : onComposerSubmit(event);
        }
      });
      $("command-bar").addEventListener("click", onCommandClick);
      langSelect.addEventListener("change", onLanguageChange);
      nameButton.addEventListener("click", askName);
      $("name-form").addEventListener("submit", function (event) {
        event.preventDefault();
        onNameChosen();
      });
      nameDialog.addEventListener("cancel", function (event) {
        event.preventDefault();
        onNameChosen();
      });

      if (userName) {
        begin();
      } else {
        askName();
      }
    }).catch(function () {
      $("load-failed").hidden = false;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
