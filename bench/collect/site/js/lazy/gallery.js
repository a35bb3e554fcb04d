export function openGallery(root) {
  const items = root.querySelectorAll(".gallery-item");
  for (const item of items) {
    item.addEventListener("click", () => item.classList.toggle("is-open"));
  }
  return items.length;
}
