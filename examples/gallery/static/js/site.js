// The site works without this script; with it, uploads show a progress bar
// and their errors appear beside the fields without leaving the page.

/** Messages by field, from the server's `{ success: false, errors }`. */
function showErrors(form, errors) {
  for (const list of form.querySelectorAll("[data-errors-for]")) {
    const field = list.dataset.errorsFor;
    const messages = errors[field] ?? [];
    list.replaceChildren(
      ...messages.map((message) => {
        const item = document.createElement(field === "__all__" ? "p" : "li");
        item.textContent = message;
        return item;
      }),
    );
    if (field === "__all__") list.classList.toggle("empty", messages.length === 0);
    list.closest(".field")?.classList.toggle("invalid", messages.length > 0);
  }
  // Errors for fields the form does not show still need to be seen.
  const shown = new Set(
    [...form.querySelectorAll("[data-errors-for]")].map((list) => list.dataset.errorsFor),
  );
  const others = Object.entries(errors).filter(([field]) => !shown.has(field));
  if (others.length > 0) {
    showErrors(form, {
      ...errors,
      __all__: [...(errors.__all__ ?? []), ...others.flatMap(([, messages]) => messages)],
    });
  }
}

function setProgress(form, fraction) {
  const box = form.querySelector(".progress");
  if (!box) return;
  const percent = Math.round(fraction * 100);
  box.hidden = false;
  box.querySelector(".progress-bar").style.width = `${percent}%`;
  box.querySelector(".progress-track").setAttribute("aria-valuenow", String(percent));
  box.querySelector(".progress-text").textContent = percent === 100 ? "Saving…" : `${percent}%`;
}

function upload(form) {
  const button = form.querySelector('button[type="submit"]');
  const request = new XMLHttpRequest();
  request.open("POST", form.action);
  request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
  request.setRequestHeader("Accept", "application/json");
  request.responseType = "json";
  request.upload.addEventListener("progress", (event) => {
    if (event.lengthComputable) setProgress(form, event.loaded / event.total);
  });
  const finish = () => {
    button.disabled = false;
    form.querySelector(".progress")?.setAttribute("hidden", "");
    form.removeAttribute("aria-busy");
  };
  request.addEventListener("load", () => {
    const body = request.response;
    if (body?.success) {
      setProgress(form, 1);
      window.location.assign(body.redirect ?? window.location.href);
      return;
    }
    finish();
    showErrors(
      form,
      body?.errors ?? {
        __all__: [`The upload failed (HTTP ${request.status}). Please try again.`],
      },
    );
  });
  request.addEventListener("error", () => {
    finish();
    showErrors(form, {
      __all__: ["The upload was interrupted: the connection was lost. Please try again."],
    });
  });
  showErrors(form, {});
  setProgress(form, 0);
  button.disabled = true;
  form.setAttribute("aria-busy", "true");
  request.send(new FormData(form));
}

for (const form of document.querySelectorAll("form[data-upload]")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    upload(form);
  });
}

for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}

// The demo accounts' "Use" buttons fill the sign-in form.
for (const button of document.querySelectorAll("[data-sign-in-as]")) {
  button.addEventListener("click", () => {
    document.getElementById("id-username").value = button.dataset.signInAs;
    document.getElementById("id-password").value = button.dataset.password;
    document.getElementById("id-password").closest("form").requestSubmit();
  });
}

for (const input of document.querySelectorAll("[data-select-on-focus]")) {
  input.addEventListener("focus", () => input.select());
}

// Placeholders stay behind transparent pixels otherwise.
for (const image of document.querySelectorAll("img[style*='background-image']")) {
  const clear = () => {
    image.style.backgroundImage = "none";
  };
  if (image.complete && image.naturalWidth > 0) clear();
  else image.addEventListener("load", clear, { once: true });
}
