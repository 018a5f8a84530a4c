/**
 * Fashion-MNIST class names, indexed by label (from the dataset's README).
 * Zalando Research, MIT licence.
 */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/** One of {@link FASHION_MNIST_CLASSES}. */
export type FashionMnistClass = (typeof FASHION_MNIST_CLASSES)[number];

/** Dataset name used in bucket keys (`raw/fashion-mnist/...`, `features/fashion-mnist/...`). */
export const FASHION_MNIST_DATASET = 'fashion-mnist';
