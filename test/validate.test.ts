// lib/validate.ts: the checks of the package's data types that every op family, the scene loaders
// and io/ share. Hand-made valid and invalid values; each error has its code and names the argument.
import { describe, expect, it } from 'vitest';
import {
  PACKED_CAMERA_LENGTH, checkBoolean, checkCameras, checkDepthMap, checkDepthMaps, checkImage, checkInstanceIdMap,
  checkInteger, checkIntrinsics, checkOut, checkPoints, checkPose, checkSceneIntrinsics, isObject, packCameras, packIntrinsics,
} from '../lib/validate.js';
import { IDENTITY, intrinsics, poseFromAxisAngle } from './helpers/cameras.js';
import { expectCode } from './helpers/errors.js';

const k = intrinsics(500, 400, 319.5, 239.5, 640, 480);

describe('checkPoints', () => {
  it('returns N for 3N floats of either precision, 0 for none', () => {
    expect(checkPoints(new Float32Array(6))).toBe(2);
    expect(checkPoints(new Float64Array(0))).toBe(0);
  });
  it('rejects other arrays and lengths that are not a multiple of 3', () => {
    expectCode(() => checkPoints([0, 0, 1], 'pts'), 'ERR_SPATIAL_TYPE', /Expected a Float32Array or Float64Array for pts but received/);
    expectCode(() => checkPoints(new Float32Array(4)), 'ERR_SPATIAL_SHAPE', /points.length must be a multiple of 3 \(got 4\)/);
  });
});

describe('checkIntrinsics / checkSceneIntrinsics', () => {
  it('returns exactly the six fields', () => {
    expect(checkIntrinsics({ ...k, extra: 1 })).toEqual({ fx: 500, fy: 400, cx: 319.5, cy: 239.5, width: 640, height: 480 });
  });
  it('types, finiteness, positive focal lengths, integer sizes up to 2^20', () => {
    expectCode(() => checkIntrinsics(null, 'k'), 'ERR_SPATIAL_TYPE', /Expected an Intrinsics object for k but received null/);
    expectCode(() => checkIntrinsics({ ...k, cy: '1' }), 'ERR_SPATIAL_TYPE', /Expected a number for intrinsics.cy/);
    expectCode(() => checkIntrinsics({ ...k, cx: NaN }), 'ERR_SPATIAL_CAMERA', /intrinsics.cx must be finite \(got NaN\)/);
    expectCode(() => checkIntrinsics({ ...k, fy: 0 }), 'ERR_SPATIAL_CAMERA', /fx and .fy must be > 0 \(got 500, 0\)/);
    expectCode(() => checkIntrinsics({ ...k, width: 64.5 }), 'ERR_SPATIAL_CAMERA', /intrinsics.width must be a positive integer <= 1048576 \(got 64.5\)/);
    expectCode(() => checkIntrinsics({ ...k, height: 2 ** 20 + 1 }), 'ERR_SPATIAL_CAMERA', /intrinsics.height must be a positive integer/);
  });
  it('scene intrinsics: focal below 1e6 px, principal point within two image sizes ([-2W, 3W])', () => {
    expect(checkSceneIntrinsics({ ...k, cx: -1280, cy: 1440 }).cx).toBe(-1280);
    expectCode(() => checkSceneIntrinsics({ ...k, fx: 1e6 }), 'ERR_SPATIAL_CAMERA', /intrinsics.fx must be < 1000000 px/);
    expectCode(() => checkSceneIntrinsics({ ...k, cx: 1920.5 }), 'ERR_SPATIAL_CAMERA', /intrinsics.cx must lie within two image sizes of the 640x480 image, in \[-1280, 1920\] \(got 1920.5\)/);
  });
});

describe('checkPose', () => {
  it('accepts rigid camera-to-world poses (rotation and translation)', () => {
    const pose = poseFromAxisAngle([0, 0, 1], Math.PI / 3, [1, 2, 3]);
    expect(checkPose(pose)).toBe(pose);
  });
  it('rejects a wrong type or length, non-finite values, a bad last row, scaling and reflections', () => {
    expectCode(() => checkPose(Array.from(IDENTITY)), 'ERR_SPATIAL_TYPE', /Expected a Float64Array\(16\) for pose/);
    expectCode(() => checkPose(new Float64Array(12)), 'ERR_SPATIAL_SHAPE', /pose.length must be 16 \(row-major 4x4\) \(got 12\)/);
    const inf = Float64Array.from(IDENTITY);
    inf[7] = Infinity;
    expectCode(() => checkPose(inf, 'cam.pose'), 'ERR_SPATIAL_POSE', /cam.pose must be finite \(element 7 is Infinity\)/);
    const lastRow = Float64Array.from(IDENTITY);
    lastRow[14] = 1;
    expectCode(() => checkPose(lastRow), 'ERR_SPATIAL_POSE', /pose last row must be 0 0 0 1 \(got 0 0 1 1\)/);
    expectCode(() => checkPose(Float64Array.of(2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1)), 'ERR_SPATIAL_POSE', /pose must be rigid .*got det 2,/);
    expectCode(() => checkPose(Float64Array.of(-1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1)), 'ERR_SPATIAL_POSE', /pose must be rigid .*got det -1,/);
  });
});

describe('cameras and their packing', () => {
  it('one camera or an array; errors name the camera by index', () => {
    expect(checkCameras({ intrinsics: k, pose: IDENTITY })).toHaveLength(1);
    expectCode(() => checkCameras([{ intrinsics: k, pose: IDENTITY }, { intrinsics: { ...k, fx: -1 }, pose: IDENTITY }]), 'ERR_SPATIAL_CAMERA', /cameras\[1\]\.intrinsics\.fx and \.fy must be > 0/);
    expectCode(() => checkCameras([7]), 'ERR_SPATIAL_TYPE', /Expected a Camera \{ intrinsics, pose \} for cameras\[0\] but received/);
  });
  it('packs fx, fy, cx, cy, width, height, then the 16 pose values, 22 doubles a camera', () => {
    const pose = poseFromAxisAngle([1, 0, 0], 0.5, [4, 5, 6]);
    const packed = packCameras([{ intrinsics: k, pose: IDENTITY }, { intrinsics: k, pose }]);
    expect(PACKED_CAMERA_LENGTH).toBe(22);
    expect(packed.length).toBe(44);
    expect(Array.from(packed.subarray(22, 28))).toEqual([500, 400, 319.5, 239.5, 640, 480]);
    expect(Array.from(packed.subarray(28, 44))).toEqual(Array.from(pose));
    expect(Array.from(packIntrinsics(k))).toEqual([500, 400, 319.5, 239.5, 640, 480]);
  });
});

describe('maps: depth, image, instance ids', () => {
  const depth = { width: 2, height: 1, data: Float32Array.of(1, 0) };
  it('accept matching sizes and return the same object', () => {
    expect(checkDepthMap(depth, 'depth', intrinsics(1, 1, 0, 0, 2, 1))).toBe(depth);
    const img = { width: 2, height: 1, channels: 3, data: new Uint8Array(6) };
    expect(checkImage(img)).toBe(img);
    const ids = { width: 2, height: 1, data: new Uint16Array(2) };
    expect(checkInstanceIdMap(ids)).toBe(ids);
  });
  it('data type, data length, and size against the camera', () => {
    expectCode(() => checkDepthMap({ ...depth, data: [1, 0] }), 'ERR_SPATIAL_TYPE', /Expected a Float32Array for depth.data/);
    expectCode(() => checkDepthMap({ ...depth, width: 3 }), 'ERR_SPATIAL_SHAPE', /depth.data.length must be width\*height = 3 \(got 2\)/);
    expectCode(() => checkDepthMap(depth, 'd', k, 'cam'), 'ERR_SPATIAL_SHAPE', /d is 2x1 but cam expects 640x480/);
    expectCode(() => checkDepthMaps([depth], [], 'depths'), 'ERR_SPATIAL_SHAPE', /depths.length must equal cameras.length \(0\), got 1/);
    expectCode(() => checkImage({ width: 1, height: 1, channels: 2, data: new Uint8Array(2) }), 'ERR_SPATIAL_SHAPE', /image.channels must be 1, 3 or 4 \(got the number 2\)/);
    expectCode(() => checkImage({ width: 1, height: 1, channels: 3, data: new Uint8Array(4) }), 'ERR_SPATIAL_SHAPE', /width\*height\*channels = 3 \(got 4\)/);
    expectCode(() => checkInstanceIdMap({ width: 0, height: 1, data: new Uint16Array(0) }), 'ERR_SPATIAL_SHAPE', /instanceIds.width and .height must be positive integers/);
  });
});

describe('plain values', () => {
  it('integers in a closed range, booleans, objects, caller-owned outputs', () => {
    expect(checkInteger(3, 3, 3, 'n')).toBe(3);
    expectCode(() => checkInteger('3', 0, 9, 'n'), 'ERR_SPATIAL_TYPE', /Expected an integer for n but received/);
    expectCode(() => checkInteger(2.5, 0, 9, 'n'), 'ERR_SPATIAL_SHAPE', /n must be an integer in \[0, 9\] \(got 2.5\)/);
    expectCode(() => checkInteger(10, 0, 9, 'n'), 'ERR_SPATIAL_SHAPE', /n must be an integer in \[0, 9\] \(got 10\)/);
    expect(checkBoolean(false, 'b')).toBe(false);
    expectCode(() => checkBoolean(0, 'opts.b'), 'ERR_SPATIAL_TYPE', /Expected a boolean for opts.b/);
    expect([isObject({}), isObject([]), isObject(null), isObject('x')]).toEqual([true, true, false, false]);
    expect(checkOut(undefined, 4, 'out')).toBeUndefined();
    const out = new Float32Array(4);
    expect(checkOut(out, 4, 'out')).toBe(out);
    expectCode(() => checkOut(new Float64Array(4), 4, 'opts.out'), 'ERR_SPATIAL_TYPE', /Expected a Float32Array for opts.out/);
    expectCode(() => checkOut(new Float32Array(3), 4, 'opts.out'), 'ERR_SPATIAL_SHAPE', /opts.out.length must be 4 \(got 3\)/);
  });
});
