export function greet(element) {
  if (element) element.textContent = "Loaded lazily through a rewritten dynamic import.";
}
