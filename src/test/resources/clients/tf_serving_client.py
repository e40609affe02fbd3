#!/usr/bin/env python3
"""Clients written for TensorFlow Serving and KServe, pointed at Orchard unchanged.

The request code follows TensorFlow Serving's own examples: resnet_client.py (base64 JPEG/PNG in
{"instances": [{"b64": ...}]}) and the Fashion-MNIST REST tutorial (json.dumps of
{"signature_name": "serving_default", "instances": test_images.tolist()} with a
content-type header), then a KServe V2 infer call and the model status call.

Usage: tf_serving_client.py BASE_URL MODEL IMAGE.png [IMAGE.png ...]
Prints one JSON object: the labels each style predicted, in image order.
"""
import base64
import json
import struct
import sys
import zlib

import numpy as np
import requests


def read_gray_png(path):
    """Decodes an 8-bit grayscale, non-interlaced PNG (the Fashion-MNIST samples) with numpy."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and color == 0 and interlace == 0, "expects 8-bit gray PNG"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    image = np.zeros((height, width), dtype=np.uint8)
    previous = np.zeros(width, dtype=np.int32)
    stride = width + 1
    for y in range(height):
        kind, row = raw[y * stride], np.frombuffer(raw[y * stride + 1:(y + 1) * stride], dtype=np.uint8).astype(np.int32)
        out = np.zeros(width, dtype=np.int32)
        for x in range(width):
            left = out[x - 1] if x else 0
            up = previous[x]
            upper_left = previous[x - 1] if x else 0
            if kind == 0:
                p = 0
            elif kind == 1:
                p = left
            elif kind == 2:
                p = up
            elif kind == 3:
                p = (left + up) // 2
            else:
                pa, pb, pc = abs(up - upper_left), abs(left - upper_left), abs(left + up - 2 * upper_left)
                p = left if pa <= pb and pa <= pc else (up if pb <= pc else upper_left)
            out[x] = (row[x] + p) & 0xFF
        image[y] = out
        previous = out
    return image


def main(base, model, paths):
    status = requests.get("%s/v1/models/%s" % (base, model))
    status.raise_for_status()
    state = status.json()["model_version_status"][0]["state"]
    class_names = status.json()["versions"][-1]["labels"]

    # resnet_client.py style
    b64_labels = []
    for path in paths:
        with open(path, "rb") as f:
            jpeg_bytes = base64.b64encode(f.read()).decode("utf-8")
        predict_request = '{"instances" : [{"b64": "%s"}]}' % jpeg_bytes
        response = requests.post("%s/v1/models/%s:predict" % (base, model), data=predict_request)
        response.raise_for_status()
        prediction = response.json()["predictions"][0]
        b64_labels.append(class_names[int(np.argmax(prediction))])

    # Fashion-MNIST REST tutorial style
    test_images = np.stack([read_gray_png(p) for p in paths]).astype(np.float32)[..., np.newaxis] / 255.0
    data = json.dumps({"signature_name": "serving_default", "instances": test_images.tolist()})
    headers = {"content-type": "application/json"}
    json_response = requests.post("%s/v1/models/%s:predict" % (base, model), data=data, headers=headers)
    json_response.raise_for_status()
    predictions = json.loads(json_response.text)["predictions"]
    pixel_labels = [class_names[int(np.argmax(p))] for p in predictions]

    # KServe V2 style
    infer = {
        "inputs": [{
            "name": "image",
            "shape": list(test_images.shape),
            "datatype": "FP32",
            "data": test_images.flatten().tolist(),
        }]
    }
    v2 = requests.post("%s/v2/models/%s/infer" % (base, model), json=infer)
    v2.raise_for_status()
    outputs = {o["name"]: o for o in v2.json()["outputs"]}
    probabilities = np.array(outputs["probabilities"]["data"]).reshape(outputs["probabilities"]["shape"])
    v2_labels = [class_names[int(i)] for i in np.argmax(probabilities, axis=1)]

    # an error as TF Serving clients read it
    bad = requests.post("%s/v1/models/%s:predict" % (base, model), data='{"instances": [[1, 2]]}')
    error = bad.json().get("error", "") if bad.status_code == 400 else "status %d" % bad.status_code

    print(json.dumps({"state": state, "b64": b64_labels, "pixels": pixel_labels, "v2": v2_labels, "error": error}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
