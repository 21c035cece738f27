// Sinch's own JS generator (sinch-ticketgen) as a one-line script calls it: print one
// ticket for the user named on the command line. The start-up yardstick for `sign`.
console.log(
  require("sinch-ticketgen")(process.env.SINCH_APPLICATION_KEY, process.env.SINCH_APPLICATION_SECRET, {
    username: process.argv[2],
  }).userTicket,
);
