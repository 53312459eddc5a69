"""A minimal stand-in for the parts of `mmengine` that the published MultiSPA engine calls
(load, dump, mkdir_or_exist, track_progress, utils.dl_utils.TimeCounter), so that
bench/multispa/compare.py can run it where mmengine is not installed. Pickle and JSON only."""
import json
import os
import pickle


def load(path):
    if str(path).endswith('.json'):
        with open(path) as f:
            return json.load(f)
    with open(path, 'rb') as f:
        return pickle.load(f)


def dump(obj, path):
    if str(path).endswith('.json'):
        with open(path, 'w') as f:
            json.dump(obj, f)
        return
    with open(path, 'wb') as f:
        pickle.dump(obj, f)


def mkdir_or_exist(path):
    if path:
        os.makedirs(path, exist_ok=True)


def track_progress(func, tasks):
    return [func(t) for t in tasks]
