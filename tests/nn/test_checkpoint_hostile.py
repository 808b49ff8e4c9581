"""nn.load on bad and hostile files: ValueError naming the file and the problem,
the module (and optimizer) unchanged, nothing read that the module does not need;
nn.save's file permissions."""

import io
import json
import os
import pickle
import re
import stat
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest
from numpy.lib import format as npy

import nn
import optim

pytestmark = pytest.mark.slow  # seconds per test: left out of pytest -m "not slow"


def _model(seed=0):
    return nn.MLP(3, [4, 2], rng=seed)


def _npy(arr):
    buf = io.BytesIO()
    npy.write_array(buf, arr, allow_pickle=True)
    return buf.getvalue()


def _npy_header(shape, descr="<f8", data=b""):
    """An .npy file whose header says `shape` and `descr`, followed by `data`."""
    buf = io.BytesIO()
    npy.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False, "shape": shape})
    return buf.getvalue() + data


def _zip(path, members, compression=zipfile.ZIP_STORED):
    """A zip archive of `members`: entry name -> bytes (".npy" not appended)."""
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _params(model):
    return {f"{k}.npy": _npy(v) for k, v in model.state_dict().items()}


def _same(a, b):
    return list(a) == list(b) and all(np.array_equal(a[k], b[k]) for k in a)


def _names_file_and_problem(error, path, match):
    """The message names the file, and the problem outside the file's name
    (which holds the test's name)."""
    message = str(error)
    assert str(path) in message
    assert re.search(match, message.replace(str(path), "<file>")), message


class Target:
    """A module to load into, and the check that a refused load left it as it was."""

    def __init__(self, model=None):
        self.model = _model(1) if model is None else model
        self.before = self.model.state_dict()

    def refuses(self, path, match):
        with pytest.raises(ValueError) as info:
            nn.load(self.model, path)
        _names_file_and_problem(info.value, path, match)
        assert _same(self.before, self.model.state_dict())


@pytest.fixture
def target():
    return Target()


# ------------------------------------------------------- not a checkpoint at all
def test_missing(tmp_path, target):
    target.refuses(tmp_path / "nope.npz", "does not exist")


def test_directory(tmp_path, target):
    target.refuses(tmp_path, "is a directory")


def test_fifo_is_refused_without_waiting(tmp_path, target):
    os.mkfifo(tmp_path / "fifo")
    target.refuses(tmp_path / "fifo", "not a regular file")


def test_empty(tmp_path, target):
    (tmp_path / "empty.npz").write_bytes(b"")
    target.refuses(tmp_path / "empty.npz", "is empty")


def test_not_a_zip(tmp_path, target):
    (tmp_path / "text.npz").write_text("weights, honestly")
    target.refuses(tmp_path / "text.npz", "is not a zip archive")
    (tmp_path / "pickle.npz").write_bytes(pickle.dumps(_model(0).state_dict()))
    target.refuses(tmp_path / "pickle.npz", "pickle")


@pytest.mark.parametrize("writer", [np.savez, np.savez_compressed])
def test_every_truncation_is_refused(tmp_path, writer):
    good = tmp_path / "good.npz"
    writer(good, **nn.Linear(2, 1, rng=0).state_dict())  # small: every length is tried
    data = good.read_bytes()
    bad = tmp_path / "cut.npz"
    target = Target(nn.Linear(2, 1, rng=1))
    for n in range(1, len(data)):
        bad.write_bytes(data[:n])
        target.refuses(bad, "not a readable|truncated or corrupted")


@pytest.mark.parametrize("writer", [np.savez, np.savez_compressed])
def test_every_corrupted_byte_is_refused_or_harmless(tmp_path, writer):
    """Flip each byte in turn: the load is refused with ValueError, or (a byte
    no reader looks at, such as a timestamp) loads exactly the saved weights."""
    saved = nn.Linear(2, 1, rng=0).state_dict()  # small: every byte is tried
    good = tmp_path / "good.npz"
    writer(good, **saved)
    data = bytearray(good.read_bytes())
    bad = tmp_path / "bad.npz"
    refused = 0
    for i in range(len(data)):
        data[i] ^= 0xFF
        bad.write_bytes(bytes(data))
        data[i] ^= 0xFF
        t = Target(nn.Linear(2, 1, rng=1))
        try:
            nn.load(t.model, bad)
        except ValueError as e:
            assert str(bad) in str(e)
            assert _same(t.before, t.model.state_dict())
            refused += 1
        else:
            assert _same(saved, t.model.state_dict()), f"byte {i} changed the weights loaded"
    assert refused > len(data) // 2  # most bytes matter


def test_bad_crc(tmp_path, target):
    path = tmp_path / "crc.npz"
    nn.save(_model(0), path)
    data = bytearray(path.read_bytes())
    last = data.rindex(np.float64(_model(0).layers[1].bias.data[-1]).tobytes())
    data[last] ^= 0x01  # one bit of the data of layers.1.bias
    path.write_bytes(bytes(data))
    target.refuses(path, r"'layers.1.bias' is truncated or corrupted .*CRC")


# ------------------------------------------------------------------ hostile
def _peak_bytes(fn):
    tracemalloc.start()
    try:
        fn()
    except ValueError:
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_zip_bomb_entry_needed(tmp_path, target):
    members = _params(_model(0))
    # the right header, then 64 MB of zeros that deflate to about 64 KB
    members["layers.0.weight.npy"] = _npy_header((3, 4), data=bytes(64 << 20))
    path = _zip(tmp_path / "bomb.npz", members, zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 1 << 20
    target.refuses(path, r"'layers.0.weight' is corrupted: the zip entry holds \d+ bytes")
    assert _peak_bytes(lambda: nn.load(target.model, path)) < 4 << 20


def test_zip_bomb_entry_not_needed_is_never_read(tmp_path):
    src = _model(0)
    members = dict(_params(src), **{"payload.npy": _npy_header((8 << 20,), data=bytes(64 << 20))})
    path = _zip(tmp_path / "bomb.npz", members, zipfile.ZIP_DEFLATED)
    t = Target()
    assert _peak_bytes(lambda: nn.load(t.model, path)) < 4 << 20
    assert _same(src.state_dict(), t.model.state_dict())


def test_huge_declared_size(tmp_path, target):
    path = tmp_path / "declared.npz"
    nn.save(_model(0), path)
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02")  # the first entry's central directory record
    # its uncompressed size, at offset 24
    data[entry + 24:entry + 28] = struct.pack("<I", 0xFFFFFF00)
    path.write_bytes(bytes(data))
    target.refuses(path, r"is corrupted: the zip entry holds 4294967040 bytes")


@pytest.mark.parametrize("needed", [True, False])
def test_huge_shape_header(tmp_path, needed):
    src = _model(0)
    members = _params(src)
    name = "layers.0.weight.npy" if needed else "extra.npy"
    members[name] = _npy_header((10 ** 12,), data=bytes(64))  # np.load: MemoryError
    path = _zip(tmp_path / "huge.npz", members)
    t = Target()
    if needed:
        t.refuses(path, r"'layers.0.weight' has shape \(1000000000000,\), but the "
                        r"parameter has shape \(3, 4\)")
    else:
        nn.load(t.model, path)
        assert _same(src.state_dict(), t.model.state_dict())


def test_object_array_is_refused_unread(tmp_path, target):
    members = _params(_model(0))
    # a pickle that would run code if it were ever unpickled
    members["layers.0.bias.npy"] = _npy_header((4,), "|O", pickle.dumps(os.system))
    path = _zip(tmp_path / "pickle.npz", members)
    target.refuses(path, "'layers.0.bias' holds pickled Python objects .*allow_pickle=False")


@pytest.mark.parametrize("version", [(3, 0), (4, 0), (0, 9)])
def test_unsupported_npy_version(tmp_path, target, version):
    members = _params(_model(0))
    data = bytearray(members["layers.0.weight.npy"])
    data[6:8] = bytes(version)
    members["layers.0.weight.npy"] = bytes(data)
    target.refuses(_zip(tmp_path / "v.npz", members),
                   f"'layers.0.weight' has .npy format version {version[0]}.{version[1]}")


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, 99])
def test_unsupported_compression(tmp_path, target, method):
    path = tmp_path / "c.npz"
    if method == 99:  # a method zipfile itself does not know (NotImplementedError today)
        _zip(path, _params(_model(0)))
        data = bytearray(path.read_bytes())
        start = 0
        while (start := data.find(b"PK\x01\x02", start)) >= 0:  # every central record
            data[start + 10:start + 12] = struct.pack("<H", 99)
            start += 4
        path.write_bytes(bytes(data))
    else:
        _zip(path, _params(_model(0)), method)
    target.refuses(path, f"uses zip compression method {method}")


def test_encrypted_entry(tmp_path, target):
    path = _zip(tmp_path / "enc.npz", _params(_model(0)))
    data = bytearray(path.read_bytes())
    start = data.find(b"PK\x01\x02")
    data[start + 8] |= 0x01  # general purpose flags: encrypted
    path.write_bytes(bytes(data))
    target.refuses(path, "is encrypted")


def test_header_too_large_or_garbage(tmp_path, target):
    members = _params(_model(0))
    members["layers.0.weight.npy"] = b"\x93NUMPY\x01\x00" + struct.pack("<H", 60000) + \
        b"{" * 60000
    target.refuses(_zip(tmp_path / "h.npz", members), "'layers.0.weight' is truncated or "
                                                      "corrupted")
    members["layers.0.weight.npy"] = _npy_header((3, 4), "not a dtype", bytes(96))
    target.refuses(_zip(tmp_path / "g.npz", members), "'layers.0.weight'")


def test_wrong_names_shapes_dtypes(tmp_path, target):
    state = _model(0).state_dict()
    np.savez(tmp_path / "names.npz", **{k.replace("layers", "blocks"): v for k, v in state.items()})
    target.refuses(tmp_path / "names.npz", r"missing \['layers.0.weight'")
    np.savez(tmp_path / "shape.npz", **dict(state, **{"layers.1.bias": np.zeros(3)}))
    target.refuses(tmp_path / "shape.npz", r"'layers.1.bias' has shape \(3,\)")
    np.savez(tmp_path / "dtype.npz", **dict(state, **{"layers.1.bias": np.zeros(2, np.int64)}))
    target.refuses(tmp_path / "dtype.npz", "'layers.1.bias' has dtype int64")


def test_other_byte_order_and_fortran_order_load_exactly(tmp_path):
    state = _model(0).state_dict()
    other = {k: np.asfortranarray(v.astype(v.dtype.newbyteorder(">"))) for k, v in state.items()}
    np.savez(tmp_path / "be.npz", **other)
    t = Target()
    nn.load(t.model, tmp_path / "be.npz")
    assert _same(state, t.model.state_dict())
    assert all(p.data.dtype == np.float64 for p in t.model.parameters())


# ----------------------------------------------------------- optimizer state
def _trained_with_adam(tmp_path):
    model = _model(0)
    opt = optim.Adam(model.parameters(), lr=0.1)
    model(np.ones((2, 3))).sum().backward()
    opt.step()
    path = tmp_path / "adam.npz"
    nn.save(model, path, optimizer=opt)
    return path


def _with_structure(tmp_path, text, extra=None):
    with np.load(_trained_with_adam(tmp_path)) as f:
        arrays = {k: f[k] for k in f.files}
    arrays["optim/__structure__"] = np.array(text)
    arrays.update(extra or {})
    path = tmp_path / "hostile.npz"
    np.savez(path, **arrays)
    return path


def _refuses_with_optimizer(path, match):
    model = _model(1)
    opt = optim.Adam(model.parameters(), lr=0.1)
    before, opt_before = model.state_dict(), opt.state_dict()
    with pytest.raises(ValueError) as info:
        nn.load(model, path, optimizer=opt)
    _names_file_and_problem(info.value, path, match)
    assert _same(before, model.state_dict())
    assert json.dumps(opt.state_dict(), default=str) == json.dumps(opt_before, default=str)


@pytest.mark.parametrize("depth,match", [(40, "nested 40 levels deep"),
                                         (100_000, "nested too deeply")])
def test_deeply_nested_metadata(tmp_path, depth, match):
    # 100,000 levels: a RecursionError inside json today
    _refuses_with_optimizer(_with_structure(tmp_path, "[" * depth + "]" * depth), match)


def test_metadata_larger_than_the_module_allows(tmp_path):
    text = "[" + "0, " * 400_000 + "0]"  # 4.8 MB as NumPy stores text
    _refuses_with_optimizer(_with_structure(tmp_path, text),
                            "'optim/__structure__' is larger .* than the optimizer state")


@pytest.mark.parametrize("text,match", [
    ("{not json", "malformed"),
    ('{"__array__": "layers.0.weight"}', "refers to an entry 'layers.0.weight'"),
    ('{"__array__": "optim/77"}', "missing entry 'optim/77'"),
    ('{"__dict__": [[{"__list__": []}, 1]]}', "malformed"),
    ('{"__dict__": 5}', "malformed"),
    ('{"__set__": []}', "malformed"),
    ('{"__dict__": [["optimizer", "Adam"], ["hyperparameters", {"__dict__": [["lr", 0.1], '
     '["betas", {"__tuple__": [0.9, 0.999]}], ["eps", 1e-08], ["weight_decay", 0.0], '
     '["amsgrad", false]]}], ["state", {"__dict__": [[99, {"__dict__": [["step", 1]]}]]}]]}',
     "Adam.load_state_dict: state key 99 is not a parameter position"),
])
def test_malformed_metadata(tmp_path, text, match):
    _refuses_with_optimizer(_with_structure(tmp_path, text), match)


def test_optimizer_entry_too_large_or_of_objects(tmp_path):
    text = '{"__array__": "optim/big"}'
    big = {"optim/big": np.zeros(10_000_000, np.uint8)}  # more than 4x the parameters
    _refuses_with_optimizer(_with_structure(tmp_path, text, big), "larger .* than the optimizer")
    objects = {"optim/big": np.array([{"a": 1}], dtype=object)}
    _refuses_with_optimizer(_with_structure(tmp_path, text, objects), "pickle")
    strings = {"optim/big": np.array(["a"])}
    _refuses_with_optimizer(_with_structure(tmp_path, text, strings), "not those of optimizer")


@pytest.mark.parametrize("shape", [(-1, 0), (-8,)])
def test_negative_shape_header(tmp_path, shape):
    path = _with_structure(tmp_path, '{"__array__": "optim/neg"}')
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("optim/neg.npy", _npy_header(shape, data=bytes(64)))
    _refuses_with_optimizer(path, r"'optim/neg' is corrupted: its header gives the shape")


def test_optimizer_round_trip_still_works(tmp_path):
    path = _trained_with_adam(tmp_path)
    model = _model(1)
    opt = optim.Adam(model.parameters(), lr=0.1)
    nn.load(model, path, optimizer=opt)
    assert opt.state_dict()["state"][0]["step"] == 1


# ------------------------------------------------------------------- saving
@pytest.fixture
def umask():
    old = os.umask(0o022)
    yield lambda mask: os.umask(mask)
    os.umask(old)


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_saved_file_gets_the_permissions_np_save_gets(tmp_path, umask, mask):
    umask(mask)
    nn.save(_model(0), tmp_path / "ours.npz")
    np.save(tmp_path / "numpys.npy", np.zeros(2))
    ours = stat.S_IMODE((tmp_path / "ours.npz").stat().st_mode)
    assert ours == stat.S_IMODE((tmp_path / "numpys.npy").stat().st_mode) == 0o666 & ~mask


def test_overwritten_file_keeps_its_permissions_as_with_np_save(tmp_path, umask):
    path = tmp_path / "ckpt.npz"
    nn.save(_model(0), path)
    os.chmod(path, 0o640)
    nn.save(_model(1), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    t = Target()
    nn.load(t.model, path)
    assert _same(_model(1).state_dict(), t.model.state_dict())


def test_save_through_a_symlink_keeps_the_link(tmp_path):
    real = tmp_path / "real.npz"
    link = tmp_path / "link.npz"
    nn.save(_model(0), real)
    link.symlink_to(real)
    nn.save(_model(2), link)
    assert link.is_symlink()
    t = Target()
    nn.load(t.model, real)
    assert _same(_model(2).state_dict(), t.model.state_dict())
    assert sorted(os.listdir(tmp_path)) == ["link.npz", "real.npz"]
