/** The picture types Meta takes for a profile. */
export const PICTURE_TYPES = ["image/jpeg", "image/png"];
/** Meta's smallest profile picture, in pixels a side. */
export const MIN_PICTURE_SIDE = 192;
/** The side of the square the portal sends: Meta keeps at most 640 pixels. */
export const PICTURE_SIDE = 640;

/** A picture the portal does not send, and why (its message is shown as it is). */
export class PictureRefused extends Error {
  override readonly name = "PictureRefused";
}

/** Why a file is no picture Meta takes (its type), or undefined. */
export function typeProblem(file: { name: string; type: string }): string | undefined {
  return PICTURE_TYPES.includes(file.type)
    ? undefined
    : `“${file.name}” is not a JPEG or PNG image: choose a .jpg or .png file.`;
}

/** Why a picture is too small for Meta, or undefined. */
export function sizeProblem(name: string, width: number, height: number): string | undefined {
  return Math.min(width, height) < MIN_PICTURE_SIDE
    ? `The picture must be at least ${MIN_PICTURE_SIDE} × ${MIN_PICTURE_SIDE} pixels; “${name}” is ${width} × ${height}.`
    : undefined;
}

/** The largest square in the middle of a picture: its left, top and side, in whole pixels. */
export function centredSquare(width: number, height: number): { x: number; y: number; side: number } {
  const side = Math.min(width, height);
  return { x: Math.floor((width - side) / 2), y: Math.floor((height - side) / 2), side };
}

/**
 * The profile picture to send for a JPEG or PNG file: the square in its middle, scaled to 640 × 640 pixels, as a JPEG
 * (a transparent PNG on white). Refuses (PictureRefused) a file of another type, one the browser cannot read as an
 * image, and one smaller than 192 pixels a side.
 */
export async function profilePicture(file: File): Promise<Blob> {
  const wrongType = typeProblem(file);
  if (wrongType) throw new PictureRefused(wrongType);
  let image: ImageBitmap;
  try {
    image = await createImageBitmap(file);
  } catch {
    throw new PictureRefused(`“${file.name}” could not be read as an image: choose another .jpg or .png file.`);
  }
  try {
    const tooSmall = sizeProblem(file.name, image.width, image.height);
    if (tooSmall) throw new PictureRefused(tooSmall);
    const { x, y, side } = centredSquare(image.width, image.height);
    const canvas = document.createElement("canvas");
    canvas.width = PICTURE_SIDE;
    canvas.height = PICTURE_SIDE;
    const context = canvas.getContext("2d");
    if (!context) throw new PictureRefused("This browser cannot prepare pictures: try another browser.");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, PICTURE_SIDE, PICTURE_SIDE);
    context.imageSmoothingQuality = "high";
    context.drawImage(image, x, y, side, side, 0, 0, PICTURE_SIDE, PICTURE_SIDE);
    return await new Promise<Blob>((resolve, reject) => {
      canvas.toBlob(
        (blob) => {
          if (blob) resolve(blob);
          else reject(new PictureRefused("This browser could not prepare the picture: try another browser."));
        },
        "image/jpeg",
        0.9,
      );
    });
  } finally {
    image.close();
  }
}
