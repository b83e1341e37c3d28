// Mounts GraphiQL on /graphql (hand-written, not vendored; a file rather than inline, for the page's CSP).
const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
const defaultQuery = `{
  search(text: "WACAP") {
    id
    name
    sources {
      document
      paragraph
    }
  }
}
`;
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultQuery, defaultEditorToolsVisibility: true }),
);
