"""The seed's photo job in Pillow: fit inside 1920x1080 (JPEG q85) and a
300x300 centre-cropped thumbnail. Reads paths from a list file, writes to a
folder, prints {"start": ms, "end": ms, "photos": n} as JSON."""
import json
import os
import sys
import time

from PIL import Image, ImageOps


def job(path, out_dir):
    stem = os.path.splitext(os.path.basename(path))[0]
    with Image.open(path) as img:
        img = ImageOps.exif_transpose(img)
        large = img.copy()
        large.thumbnail((1920, 1080))
        large.convert("RGB").save(os.path.join(out_dir, stem + "-large.jpg"), "JPEG", quality=85)
        thumb = ImageOps.fit(img, (300, 300), centering=(0.5, 0.5))
        thumb.convert("RGB").save(os.path.join(out_dir, stem + "-thumb.jpg"), "JPEG", quality=85)


def main():
    list_file, out_dir = sys.argv[1], sys.argv[2]
    with open(list_file) as f:
        paths = [line.strip() for line in f if line.strip()]
    start = time.time() * 1000
    for path in paths:
        job(path, out_dir)
    end = time.time() * 1000
    print(json.dumps({"start": start, "end": end, "photos": len(paths)}))


main()
