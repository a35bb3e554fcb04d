// The demo site's configuration: one source folder, collected into var/staticfiles.
export default {
  static: {
    dirs: ["static"],
    root: "../../var/demo/staticfiles",
  },
  media: {
    storage: { driver: "fs", root: "../../var/demo/media" },
  },
  images: {
    variants: {
      thumb: { cover: [300, 300], format: "webp" },
      large: { fit: [1920, 1080] },
    },
  },
  secret: process.env.STOWAGE_SECRET ?? "demo-secret-change-me",
};
