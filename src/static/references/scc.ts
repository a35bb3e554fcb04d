/**
 * Strongly connected components of a directed graph (Tarjan's algorithm,
 * with an explicit stack so a chain of 100,000 imports cannot overflow the
 * call stack).
 *
 * Nodes are `0..edges.length-1`; `edges[v]` lists the nodes `v` points at.
 * Components come out dependencies first: every component is listed after
 * all the components it can reach, which is the order hashing needs.
 */
export function stronglyConnectedComponents(edges: readonly (readonly number[])[]): number[][] {
  const count = edges.length;
  const index = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const nextEdge = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const walk: number[] = [];
  const components: number[][] = [];
  let counter = 0;

  const visit = (node: number) => {
    index[node] = counter;
    low[node] = counter;
    counter++;
    stack.push(node);
    onStack[node] = 1;
    walk.push(node);
  };

  for (let root = 0; root < count; root++) {
    if (index[root] !== -1) continue;
    visit(root);
    while (walk.length > 0) {
      const node = walk[walk.length - 1];
      const targets = edges[node];
      if (nextEdge[node] < targets.length) {
        const target = targets[nextEdge[node]++];
        if (index[target] === -1) visit(target);
        else if (onStack[target]) low[node] = Math.min(low[node], index[target]);
        continue;
      }
      walk.pop();
      if (walk.length > 0) {
        const parent = walk[walk.length - 1];
        low[parent] = Math.min(low[parent], low[node]);
      }
      if (low[node] === index[node]) {
        const component: number[] = [];
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = 0;
          component.push(member);
        } while (member !== node);
        components.push(component);
      }
    }
  }
  return components;
}
