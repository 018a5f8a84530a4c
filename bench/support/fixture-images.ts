import { testImagePng } from '../../examples/fashion-mnist/demo-prediction.js';
import { loadFixtureData } from '../../examples/fashion-mnist/test-support.js';

/** One committed Fashion-MNIST test image, as PNG upload and as raw 8-bit pixels. */
export interface FixtureImage {
  png: Uint8Array;
  pixels: Uint8Array;
  /** The pixels as the model sees them (× 1/255, the pipeline's scaling). */
  input: Float32Array;
}

/** The first `count` test images of the committed fixture. */
export async function fixtureImages(count: number): Promise<FixtureImage[]> {
  const data = await loadFixtureData();
  const size = data.test.rows * data.test.cols;
  const images: FixtureImage[] = [];
  for (let i = 0; i < count; i++) {
    const pixels = data.test.images.slice(i * size, (i + 1) * size);
    images.push({ png: await testImagePng(data, i), pixels, input: Float32Array.from(pixels, (p) => p / 255) });
  }
  return images;
}
