"""Stand-in for the few `mmengine` calls the published MultiSPA engine's visibility and relations
passes make (load, dump, mkdir_or_exist, track_progress), for bench/multispa_time.py where mmengine
(not in Debian) is not installed. Pickle and JSON only. (feat/compat's bench/multispa/shim is the
same idea; once both are merged, one can go.)"""
import json
import os
import pickle


def load(path):
    with open(path, 'r' if str(path).endswith('.json') else 'rb') as f:
        return json.load(f) if str(path).endswith('.json') else pickle.load(f)


def dump(obj, path):
    if str(path).endswith('.json'):
        with open(path, 'w') as f:
            json.dump(obj, f)
    else:
        with open(path, 'wb') as f:
            pickle.dump(obj, f)


def mkdir_or_exist(path):
    if path:
        os.makedirs(path, exist_ok=True)


def track_progress(func, tasks):
    return [func(t) for t in tasks]
