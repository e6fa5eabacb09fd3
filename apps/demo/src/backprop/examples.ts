/** The prepared programs of the backpropagation page, written in its expression language. */
export interface Example {
  id: string;
  title: string;
  /** What to look for, in one or two sentences. */
  note: string;
  source: string;
}

export const EXAMPLES: Example[] = [
  {
    id: 'apples',
    title: 'Buying apples and oranges',
    note: '2 apples at 100 and 3 oranges at 150, with 10% tax: 715. Walk back from the price: add passes the gradient through, mul swaps its inputs, so the tax’s gradient is 650 and an apple’s price has gradient 2.2.',
    source: `# 2 apples at 100, 3 oranges at 150, tax 1.1
apple = 100
apples = 2
orange = 150
oranges = 3
tax = 1.1
price = (apple * apples + orange * oranges) * tax`,
  },
  {
    id: 'neuron',
    title: 'One neuron with a sigmoid',
    note: 'y = σ(w·x + b). The sigmoid multiplies the gradient by y(1 − y), then the sum and products hand it to the weights and the inputs.',
    source: `# one neuron: y = sigmoid(w1*x1 + w2*x2 + b)
x1 = 1.0
x2 = 2.0
w1 = 0.5
w2 = -0.3
b = 0.1
y = sigmoid(w1 * x1 + w2 * x2 + b)`,
  },
  {
    id: 'net',
    title: 'A 2-2-1 network on one sample',
    note: 'Two affine layers (x·W + b) with a sigmoid between, and a squared error. At each matmul the input’s gradient is dX = dY·Wᵀ and the weight’s is dW = Xᵀ·dY; the bias gets dY summed over the batch.',
    source: `# a 2-2-1 network on one sample, squared error
x = [[1.0, 0.5]]
W1 = [[0.1, 0.4], [-0.2, 0.3]]
b1 = [0.1, -0.1]
h = sigmoid(x @ W1 + b1)
W2 = [[0.5], [-0.6]]
b2 = [0.2]
y = h @ W2 + b2
target = [[1.0]]
loss = mean(square(y - target))`,
  },
];
