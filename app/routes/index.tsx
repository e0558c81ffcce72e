export default function Home() {
  return <main><h1>FieldNet</h1></main>;
}
