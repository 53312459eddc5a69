/**
 * Question and answer phrasings. Every answer wraps its value in back-ticks (as MultiSPA's templates
 * do) so scorers can find it; the seeded generator picks a phrasing per sample.
 * @module
 */
import type { Rng } from '../random.js';

type Fill = Record<string, string | number>;

export function fill(template: string, values: Fill): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    if (!(k in values)) throw new Error(`template value ${k} missing`);
    return String(values[k]);
  });
}

export function choose(rng: Rng, templates: readonly string[], values: Fill): string {
  return fill(rng.pick(templates), values);
}

export const COORD_NOTE = 'Coordinates are normalised to [0, 1000) with the origin at the top-left corner of the image, x to the right and y down.';
export const MOTION_NOTE = 'Image-1 and Image-2 are two frames of one video, Image-1 the earlier; the camera may move too. Vectors are in the camera axes of Image-1: positive X is right, Y is down, and Z is forward.';
export const DYNAMIC_CAMERA_NOTE = 'The first image is oriented such that positive X is right, Y is down, and Z is forward. The movement is relative to the first image; some objects in the images may move.';
export const CAMERA_NOTE = 'The first image is oriented such that positive X is right, Y is down, and Z is forward. The movement is relative to the first image; objects in the images are static.';

export const T = {
  depthDot: {
    q: [
      'What is the depth of the point marked by the {color} dot, in millimeters?',
      'How far from the camera, along its viewing direction, is the point at the {color} dot? Answer in millimeters.',
      'Estimate the depth (distance along the optical axis) of the {color}-dotted point in millimeters.',
    ],
    a: ['The depth of the point is `{value}` mm.', 'It is `{value}` mm deep.', 'About `{value}` mm.'],
  },
  depthCoord: {
    q: [
      'What is the depth of the point at [ {x} , {y} ] in millimeters?',
      'How far from the camera, along its viewing direction, is the point at [ {x} , {y} ]? Answer in millimeters.',
      'Estimate the depth of the image point [ {x} , {y} ] in millimeters.',
    ],
    a: ['The depth of the point is `{value}` mm.', 'It is `{value}` mm deep.', 'About `{value}` mm.'],
  },
  depthCompareDot: {
    q: [
      'Two points are marked A and B. Which one is {relation} to the camera?',
      'Of the points labelled A and B, which is {relation} to the camera?',
      'Look at the dots A and B. Which point is {relation} to the camera?',
    ],
    a: ['Point `{value}` is {relation}.', 'The {relation} point is `{value}`.', '`{value}`'],
  },
  depthCompareCoord: {
    q: [
      'Which point is {relation} to the camera: [ {x1} , {y1} ] or [ {x2} , {y2} ]?',
      'Between the points [ {x1} , {y1} ] and [ {x2} , {y2} ], which is {relation} to the camera?',
    ],
    a: ['The {relation} point is `[ {x} , {y} ]`.', '`[ {x} , {y} ]` is {relation}.'],
  },
  correspondenceCoord: {
    q: [
      'The point [ {x1} , {y1} ] in Image-1 shows a surface. Where does the same surface point appear in Image-2?',
      'Find the point in Image-2 that corresponds to [ {x1} , {y1} ] in Image-1.',
      'Which location in Image-2 shows the same 3D point as [ {x1} , {y1} ] in Image-1?',
    ],
    a: ['It appears at `[ {x} , {y} ]` in Image-2.', 'The corresponding point is `[ {x} , {y} ]`.', '`[ {x} , {y} ]`'],
  },
  correspondenceChoice: {
    q: [
      'Image-1 has a {color} dot. Which of the labelled points A, B, C, D in Image-2 shows the same 3D point?',
      'Which lettered point in Image-2 corresponds to the {color} dot in Image-1? Choose from A, B, C, D.',
    ],
    a: ['The corresponding point is `{value}`.', '`{value}`', 'Point `{value}`.'],
  },
  cameraDirection: {
    x_movement: { q: ['Did the camera move left or right between the two images?', 'Relative to Image-1, did the camera move to the left or to the right?'], a: ['The camera moved `{value}`.', '`{value}`'] },
    y_movement: { q: ['Did the camera move up or down between the two images?', 'Relative to Image-1, did the camera move up or down?'], a: ['The camera moved `{value}`.', '`{value}`'] },
    z_movement: { q: ['Did the camera move forward or backward between the two images?', 'Relative to Image-1, did the camera move forward or backward?'], a: ['The camera moved `{value}`.', '`{value}`'] },
    yaw_movement: { q: ['Did the camera turn left or right between the two images?', 'Relative to Image-1, did the camera rotate to the left or to the right?'], a: ['The camera turned `{value}`.', '`{value}`'] },
    pitch_movement: { q: ['Did the camera tilt up or down between the two images?', 'Relative to Image-1, did the camera pitch up or down?'], a: ['The camera tilted `{value}`.', '`{value}`'] },
  },
  cameraValue: {
    yaw_angle: { q: ['By how many degrees did the camera turn left or right between the two images?', 'What is the horizontal rotation angle of the camera between the two images, in degrees?'], a: ['The camera turned about `{value}` degrees.', '`{value}` degrees'] },
    pitch_angle: { q: ['By how many degrees did the camera tilt up or down between the two images?', 'What is the vertical rotation angle of the camera between the two images, in degrees?'], a: ['The camera tilted about `{value}` degrees.', '`{value}` degrees'] },
    total_distance: { q: ['How far did the camera travel between the two images, in millimeters?', 'What is the distance between the two camera positions in millimeters?'], a: ['The camera traveled a total of `{value}` mm.', '`{value}` mm'] },
    displacement_vector: { q: ['What is the displacement of the camera from Image-1 to Image-2, as a vector [x, y, z] in millimeters in the first camera\'s axes?', 'Give the camera\'s translation between the images as [x, y, z] in millimeters, in the coordinate frame of Image-1.'], a: ['The displacement is `[ {x} , {y} , {z} ]` mm.', '`[ {x} , {y} , {z} ]`'] },
  },
  objectMotionDistance: {
    coord: [
      'How far did the object point at [ {x} , {y} ] in Image-1 move between the two frames, in millimeters?',
      'The point [ {x} , {y} ] of Image-1 lies on an object. What distance did it travel by Image-2? Answer in millimeters.',
    ],
    dot: [
      'How far did the object point marked by the {color} dot in Image-1 move between the two frames, in millimeters?',
      'The {color} dot in Image-1 marks a point on an object. What distance did that point travel by Image-2? Answer in millimeters.',
    ],
    a: ['{prefix}The point moved a total of `{value}` mm.', '{prefix}`{value}` mm'],
  },
  objectMotionVector: {
    coord: [
      'What is the displacement of the object point at [ {x} , {y} ] in Image-1 from Image-1 to Image-2, as [x, y, z] in millimeters?',
      'Give the 3D displacement vector [x, y, z] in millimeters of the point at [ {x} , {y} ] in Image-1 between the two frames.',
    ],
    dot: [
      'What is the displacement of the object point marked by the {color} dot in Image-1 from Image-1 to Image-2, as [x, y, z] in millimeters?',
      'Give the 3D displacement vector [x, y, z] in millimeters of the {color}-dotted point of Image-1 between the two frames.',
    ],
    a: ['{prefix}The displacement is `[ {x} , {y} , {z} ]` mm.', '{prefix}`[ {x} , {y} , {z} ]`'],
  },
  objectSize: {
    q: [
      'What is the {dimension} (in millimeters) of the {label} shown in these images?',
      'Using all the images, estimate the {dimension} of the {label} in millimeters.',
      'How large is the {label} along its {dimension}? Answer in millimeters.',
    ],
    a: ['The {dimension} of the {label} is `{value}` mm.', '`{value}` mm', 'About `{value}` mm.'],
  },
} as const;
