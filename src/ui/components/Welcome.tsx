import { Box, Text } from 'ink';

/** First run: no accounts configured yet. */
export function Welcome(props: { configPath: string; width: number; height: number; demoKey?: boolean }) {
  return (
    <Box width={props.width} height={props.height} borderStyle="single" flexDirection="column" paddingX={2} paddingY={1}>
      <Text bold>Welcome to tmail</Text>
      <Text> </Text>
      <Text>No mail account is configured yet. Add one with:</Text>
      <Text> </Text>
      <Text bold> tmail account add you@example.org</Text>
      <Text> </Text>
      <Text>It finds your address's mail servers, asks the rest (where the password comes from, or an OAuth2 sign-in), tests the login, then saves.</Text>
      <Text>Accounts are stored in: {props.configPath}</Text>
      <Text> </Text>
      <Text>Or try it first, with no setup{props.demoKey ? ': press d, or run' : ': quit and run'}</Text>
      <Text bold> tmail --demo</Text>
      <Text>(a built-in server with an IMAP and a POP3 account on one sample mailbox, to see how they differ).</Text>
      <Text> </Text>
      <Text>Press q to quit.</Text>
    </Box>
  );
}
